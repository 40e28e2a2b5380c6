//! Accounts over HTTP:
//! - `POST /api/login` (JSON or form `{name, password, next?}`): checks the
//!   password (argon2), opens a session and sets it in the session cookie;
//!   answers `{"name", "role"}`, or, for a form with `next` (a path on this
//!   server), a 303 to it;
//! - `POST /api/logout`: ends the session and clears the cookie;
//! - `GET /api/me`: who the request's credentials name;
//! - `GET /api/users`, `POST /api/users` `{name, role, password}`: admins
//!   list and create accounts;
//! - `GET/POST /api/saved-searches`, `DELETE /api/saved-searches/{id}`: the
//!   caller's saved searches (`{name, query}`, the query string of
//!   `/api/search`), each with the key of its feed; a name the caller
//!   already uses is a 409 with that saved search.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use veille_store::{Role, SavedSearch, User};

use crate::auth::{
    count_write, identify, require, session_clear_cookie, session_cookie, session_set_cookie, Need,
    Principal,
};
use crate::error::ApiError;
use crate::items::{json_body, read_body};
use crate::params::parse_search_params;
use crate::{blocking, ApiState};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    name: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

const LOGIN_SHAPE: &str = r#"send {"name": "...", "password": "..."} as JSON or as a form"#;

/// Who a request's credentials name.
#[derive(Debug, Serialize)]
pub struct Me {
    pub name: String,
    pub role: Role,
}

impl From<Principal> for Me {
    fn from(p: Principal) -> Me {
        Me {
            name: p.name,
            role: p.role,
        }
    }
}

pub(crate) async fn login(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = read_body(body, "sign-in body", LOGIN_SHAPE)?;
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body: LoginBody = if is_form {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(&bytes).into_owned().collect();
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        LoginBody {
            name: field("name").unwrap_or_default(),
            password: field("password").unwrap_or_default(),
            next: field("next"),
        }
    } else {
        json_body(Ok(bytes), "sign-in body", LOGIN_SHAPE)?
    };
    if body.name.is_empty() || body.password.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "name and password are both required: {LOGIN_SHAPE}"
        )));
    }
    count_write(&state.access, &format!("login:{}", body.name))?;
    let store = state.store.clone();
    let ttl = chrono::Duration::hours(i64::from(state.access.config.session_hours));
    let (name, password) = (body.name.clone(), body.password);
    let signed_in = blocking(move || {
        let Some(user) = store.check_password(&name, &password)? else {
            return Ok(None);
        };
        let secret = store.new_session(&user.name, ttl)?;
        Ok(Some((user, secret)))
    })
    .await?;
    let Some((user, secret)) = signed_in else {
        tracing::info!(name = %body.name, "sign-in refused");
        return Err(ApiError::Unauthorized(
            "wrong name or password: check both (an admin makes accounts with \
             `veille users add NAME --role ROLE`)"
                .to_string(),
        ));
    };
    tracing::info!(name = %user.name, "signed in");
    let cookie = session_set_cookie(&state.access, &secret);
    let next = body
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'));
    if let (true, Some(next)) = (is_form, next) {
        return Ok((
            StatusCode::SEE_OTHER,
            [(header::SET_COOKIE, cookie), (header::LOCATION, next)],
            Json(serde_json::json!({"name": user.name, "role": user.role})),
        )
            .into_response());
    }
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(Me {
            name: user.name,
            role: user.role,
        }),
    )
        .into_response())
}

pub(crate) async fn logout(
    State(state): State<ApiState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(secret) = session_cookie(&headers) {
        let store = state.store.clone();
        blocking(move || Ok(store.end_session(&secret)?)).await?;
    }
    Ok((
        [(header::SET_COOKIE, session_clear_cookie(&state.access))],
        Json(serde_json::json!({"signed_out": true})),
    )
        .into_response())
}

pub(crate) async fn me(
    State(state): State<ApiState>,
    headers: HeaderMap,
) -> Result<Json<Me>, ApiError> {
    let principal = identify(&state, &headers).await?.ok_or_else(|| {
        ApiError::Unauthorized(
            "not signed in: sign in with POST /api/login, or send `Authorization: Bearer <token>`"
                .to_string(),
        )
    })?;
    Ok(Json(principal.into()))
}

#[derive(Debug, Serialize)]
pub(crate) struct Users {
    users: Vec<User>,
}

pub(crate) async fn list_users(
    State(state): State<ApiState>,
    headers: HeaderMap,
) -> Result<Json<Users>, ApiError> {
    require(&state, &headers, Need::Admin).await?;
    let store = state.store.clone();
    let users = blocking(move || Ok(store.users()?)).await?;
    Ok(Json(Users { users }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    name: String,
    role: String,
    password: String,
}

const NEW_USER_SHAPE: &str = r#"send {"name": "...", "role": "curator" or "analyst" or "admin" or "partner", "password": "..."}"#;

pub(crate) async fn add_user(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let admin = require(&state, &headers, Need::Admin).await?;
    let body: NewUser = json_body(body, "account body", NEW_USER_SHAPE)?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "field role is {:?}: accepted values are curator, analyst, admin, partner",
            body.role.chars().take(40).collect::<String>()
        ))
    })?;
    let store = state.store.clone();
    let user = blocking(move || Ok(store.add_user(&body.name, role, &body.password)?)).await?;
    tracing::info!(name = %user.name, role = user.role.as_str(), by = %admin.name, "account created");
    Ok((StatusCode::CREATED, Json(user)))
}

#[derive(Debug, Serialize)]
pub(crate) struct SavedSearches {
    saved_searches: Vec<SavedSearch>,
}

pub(crate) async fn list_saved(
    State(state): State<ApiState>,
    headers: HeaderMap,
) -> Result<Json<SavedSearches>, ApiError> {
    let owner = require(&state, &headers, Need::SignedIn).await?.name;
    let store = state.store.clone();
    let saved_searches = blocking(move || Ok(store.saved_searches(&owner)?)).await?;
    Ok(Json(SavedSearches { saved_searches }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSaved {
    name: String,
    query: String,
}

const SAVED_SHAPE: &str =
    r#"send {"name": "...", "query": "q=...&lang=..."} (the query string of /api/search)"#;

pub(crate) async fn add_saved(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<SavedSearch>), ApiError> {
    let owner = require(&state, &headers, Need::SignedInWrite).await?.name;
    let body: NewSaved = json_body(body, "saved search body", SAVED_SHAPE)?;
    let query = body.query.trim().trim_start_matches('?').to_string();
    parse_search_params(&query)
        .map_err(|e| ApiError::BadRequest(format!("field query is not a valid search: {e}")))?;
    let store = state.store.clone();
    let saved = blocking(move || {
        // A name already taken is a conflict with that search, not a bad
        // request (the store would refuse it too, later).
        let name = body.name.trim();
        if let Some(taken) = store
            .saved_searches(&owner)?
            .into_iter()
            .find(|s| s.name == name)
        {
            return Err(ApiError::Conflict {
                message: format!(
                    "you already have a saved search named {name:?}: choose another name or \
                     delete it first (DELETE /api/saved-searches/{})",
                    taken.id
                ),
                current: serde_json::to_value(&taken).unwrap_or_default(),
            });
        }
        Ok(store.add_saved_search(&owner, &body.name, &query)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

pub(crate) async fn delete_saved(
    State(state): State<ApiState>,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let owner = require(&state, &headers, Need::SignedInWrite).await?.name;
    let Path(id) = id.map_err(|e| {
        ApiError::BadRequest(format!("saved search id in the path: {}", e.body_text()))
    })?;
    let store = state.store.clone();
    let deleted = blocking(move || Ok(store.delete_saved_search(&owner, id)?)).await?;
    if !deleted {
        return Err(ApiError::NotFound(format!(
            "you have no saved search {id}: GET /api/saved-searches lists yours"
        )));
    }
    Ok(Json(serde_json::json!({"deleted": id})))
}
