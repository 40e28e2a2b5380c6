//! Who is asking, and what they may do.
//!
//! Three kinds of credentials name a [`Principal`]:
//! - the curators of `VEILLE_CURATOR_TOKENS` (`name=token,...`, [`Curators`]),
//!   parsed once and compared in constant time: curator accounts for
//!   scripts, as before accounts existed;
//! - API tokens of accounts (`veille users token NAME`), found in the store
//!   by SHA-256 digest; both as `Authorization: Bearer <token>`;
//! - the session cookie set by `POST /api/login` (HTTP-only, SameSite=Lax,
//!   `Secure` when configured, see [`AccessConfig`]).
//!
//! Reads stay anonymous (as the search API always was); writes need a
//! curator or an admin ([`Need::Write`], else 403) and are rate-limited per
//! account (429); managing accounts needs an admin. Submissions need no
//! account: without one they are rate-limited per client address
//! ([`submitter`]); a partner's account (role `partner`, which may do
//! nothing else) is counted and named as any account. A write carried by the
//! session cookie must come from the server's own origin or a configured
//! CORS origin when the browser says where it comes from.
//!
//! Env tokens are kept only as SHA-256 digests, so that comparing a
//! presented token leaks neither its content nor its length, and a `Debug`
//! print of [`Curators`] shows names only.

mod access;

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use veille_store::{Role, Store};

pub use access::{Access, AccessConfig};

use crate::error::ApiError;
use crate::{blocking, ApiState};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "veille_session";

/// The curators allowed to review, each with a secret token.
#[derive(Clone, Default)]
pub struct Curators {
    entries: Vec<Curator>,
}

#[derive(Clone)]
struct Curator {
    name: String,
    token_digest: [u8; 32],
}

/// What to tell a client when no curator is configured.
pub const NO_CURATORS_HINT: &str = "reviews are disabled on this server because no curator is \
     configured: set VEILLE_CURATOR_TOKENS=\"name=token,...\" when starting the server";

impl Curators {
    /// Parses `alice=token1,bob=token2`. An empty (or blank) string means no
    /// curators. A bad entry is an error naming the entry by its position and
    /// curator name, never by its token.
    pub fn parse(spec: &str) -> Result<Curators, String> {
        let mut entries: Vec<Curator> = Vec::new();
        for (i, entry) in spec.split(',').enumerate() {
            let n = i + 1;
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let Some((name, token)) = entry.split_once('=') else {
                return Err(format!(
                    "curator tokens: entry {n} has no `=`: write each entry as name=token, \
                     separated by commas"
                ));
            };
            let (name, token) = (name.trim(), token.trim());
            if name.is_empty() {
                return Err(format!(
                    "curator tokens: entry {n} has an empty name: write it as name=token"
                ));
            }
            if name.chars().any(char::is_control) {
                return Err(format!(
                    "curator tokens: entry {n} has a name with control characters: write it as \
                     name=token"
                ));
            }
            if token.is_empty() {
                return Err(format!(
                    "curator tokens: entry {n} (curator `{name}`) has an empty token: \
                     write it as {name}=token"
                ));
            }
            if entries.iter().any(|c| c.name == name) {
                return Err(format!(
                    "curator tokens: entry {n}: curator `{name}` is given twice: keep one entry \
                     per curator"
                ));
            }
            let token_digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            if let Some(other) = entries.iter().find(|c| c.token_digest == token_digest) {
                return Err(format!(
                    "curator tokens: entry {n} (curator `{name}`) has the same token as curator \
                     `{}`: give each curator a token of their own",
                    other.name
                ));
            }
            entries.push(Curator {
                name: name.to_string(),
                token_digest,
            });
        }
        Ok(Curators { entries })
    }

    /// Whether no curator is configured (every write is then refused).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The names of the curators, in the order given.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|c| c.name.as_str())
    }

    /// The name of the curator holding this token. Compares against every
    /// token, in constant time, whatever matches.
    pub fn authenticate(&self, token: &str) -> Option<&str> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = subtle::Choice::from(0);
        let mut index = 0u32;
        for (i, curator) in self.entries.iter().enumerate() {
            let equal = curator.token_digest.ct_eq(&digest);
            index.conditional_assign(&(i as u32), equal);
            found |= equal;
        }
        if bool::from(found) {
            self.entries.get(index as usize).map(|c| c.name.as_str())
        } else {
            None
        }
    }
}

impl std::fmt::Debug for Curators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Curators")
            .field("names", &self.names().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A token of `VEILLE_CURATOR_TOKENS`.
    EnvToken,
    /// An account's API token.
    ApiToken,
    /// The session cookie.
    Session,
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: Role,
    pub credential: Credential,
}

/// What a route needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Any signed-in account; counted as a write (saved searches).
    SignedInWrite,
    /// Any signed-in account, reading (their saved searches, who am I).
    SignedIn,
    /// A curator or an admin; counted as a write.
    Write,
    /// An admin; counted as a write.
    Admin,
}

fn unauthorized(what: &str) -> ApiError {
    ApiError::Unauthorized(format!(
        "{what}: send `Authorization: Bearer <token>` with your curator or API token \
         (`veille users token NAME`), or sign in with POST /api/login"
    ))
}

/// The bearer token of the request, if it has an Authorization header.
fn bearer(headers: &HeaderMap) -> Option<Result<String, ApiError>> {
    let value = headers.get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_string())
            .ok_or_else(|| unauthorized("the Authorization header is not a bearer token")),
    )
}

/// The value of the session cookie, if the request carries one.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Who the request's credentials name: `Ok(None)` without any, an error
/// for a bearer token nobody holds. An unknown or expired session cookie is
/// no credential. Blocking (the store).
fn identify_blocking(
    curators: &Curators,
    store: &Store,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    if let Some(token) = bearer(headers) {
        let token = token?;
        if let Some(name) = curators.authenticate(&token) {
            return Ok(Some(Principal {
                name: name.to_string(),
                role: Role::Curator,
                credential: Credential::EnvToken,
            }));
        }
        return match store.user_by_token(&token)? {
            Some(user) => Ok(Some(Principal {
                name: user.name,
                role: user.role,
                credential: Credential::ApiToken,
            })),
            None => Err(ApiError::Unauthorized(
                "no curator or account has this token: check the token the server was \
                 started with (VEILLE_CURATOR_TOKENS) or make a new one with \
                 `veille users token NAME`"
                    .to_string(),
            )),
        };
    }
    if let Some(session) = session_cookie(headers) {
        if let Some(user) = store.session_user(&session)? {
            return Ok(Some(Principal {
                name: user.name,
                role: user.role,
                credential: Credential::Session,
            }));
        }
    }
    Ok(None)
}

/// Who is asking, if anyone (reads never need it).
pub(crate) async fn identify(
    state: &ApiState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    let (curators, store, headers) = (state.curators.clone(), state.store.clone(), headers.clone());
    blocking(move || identify_blocking(&curators, &store, &headers)).await
}

/// The caller, if they may do what `need` says; counts the write against
/// their rate.
pub(crate) async fn require(
    state: &ApiState,
    headers: &HeaderMap,
    need: Need,
) -> Result<Principal, ApiError> {
    let (curators, store, h) = (state.curators.clone(), state.store.clone(), headers.clone());
    let (principal, has_writers) = blocking(move || {
        let has_writers = !curators.is_empty() || store.has_writers()?;
        if need == Need::Write && !has_writers {
            return Ok((None, false));
        }
        Ok((identify_blocking(&curators, &store, &h)?, has_writers))
    })
    .await?;
    if need == Need::Write && !has_writers {
        return Err(ApiError::Forbidden(format!(
            "{NO_CURATORS_HINT}, or create a curator account with \
             `veille users add NAME --role curator`"
        )));
    }
    let principal = principal.ok_or_else(|| unauthorized("missing Authorization header"))?;
    let allowed = match need {
        Need::SignedIn | Need::SignedInWrite => true,
        Need::Write => principal.role.can_write(),
        Need::Admin => principal.role.can_admin(),
    };
    if !allowed {
        let what = match need {
            Need::Admin => "only admins manage accounts",
            _ => "only curators and admins review and correct items",
        };
        let article = if matches!(principal.role, Role::Curator | Role::Partner) {
            "a"
        } else {
            "an"
        };
        return Err(ApiError::Forbidden(format!(
            "{what}: {} is {article} {}",
            principal.name,
            principal.role.as_str()
        )));
    }
    if need != Need::SignedIn {
        if principal.credential == Credential::Session {
            check_origin(&state.access, headers)?;
        }
        count_write(&state.access, &format!("account:{}", principal.name))?;
    }
    Ok(principal)
}

/// Who sends a submission: an account (a partner's token, or any
/// account's), counted against its write rate and named; or nobody, counted
/// against the per-hour rate of the client's `address`.
pub(crate) async fn submitter(
    state: &ApiState,
    headers: &HeaderMap,
    address: &str,
) -> Result<Option<Principal>, ApiError> {
    let Some(principal) = identify(state, headers).await? else {
        state
            .access
            .count_submission(address)
            .map_err(|retry_after_secs| ApiError::TooManyRequests {
                message: format!(
                    "too many submissions from your address: at most {} an hour; try again \
                     in {retry_after_secs} s, or ask for a partner token",
                    state.access.config.submissions_per_hour
                ),
                retry_after_secs,
            })?;
        return Ok(None);
    };
    if principal.credential == Credential::Session {
        check_origin(&state.access, headers)?;
    }
    count_write(&state.access, &format!("account:{}", principal.name))?;
    Ok(Some(principal))
}

/// Refuses a cookie-carried write from another site's page.
fn check_origin(access: &Access, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return Ok(());
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if access.origin_allowed(origin, host) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "a write from a page of {origin} with a session cookie is refused: use the \
             server's own pages, or add the origin to VEILLE_CORS_ORIGINS"
        )))
    }
}

/// Counts one write (or sign-in attempt) by `key`; 429 past the rate.
pub(crate) fn count_write(access: &Access, key: &str) -> Result<(), ApiError> {
    access
        .count_write(key)
        .map_err(|retry_after_secs| ApiError::TooManyRequests {
            message: format!(
                "too many writes: at most {} a minute per account; try again in \
                 {retry_after_secs} s (the limit is VEILLE_WRITES_PER_MINUTE)",
                access.config.writes_per_minute
            ),
            retry_after_secs,
        })
}

/// The `Set-Cookie` value opening a session.
pub(crate) fn session_set_cookie(access: &Access, secret: &str) -> String {
    let max_age = u64::from(access.config.session_hours) * 3600;
    let secure = if access.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The `Set-Cookie` value ending a session.
pub(crate) fn session_clear_cookie(access: &Access) -> String {
    let secure = if access.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

#[cfg(test)]
mod tests;
