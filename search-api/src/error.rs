//! [`ApiError`], the crate's one error type, and the one place where errors
//! become HTTP status codes and a JSON body `{"error": "..."}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use veille_indexer::index::IndexError;
use veille_store::StoreError;

/// What a request can fail with. Each variant holds the message the client
/// reads: it names the parameter, the header or the item, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is wrong (a parameter, a body): 400.
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or credentials no curator holds: 401.
    #[error("{0}")]
    Unauthorized(String),
    /// The server refuses every write (no curator configured): 403.
    #[error("{0}")]
    Forbidden(String),
    /// No such item, no such route: 404.
    #[error("{0}")]
    NotFound(String),
    /// The route exists, the method does not: 405.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A write based on an old version of the record: 409, with the
    /// current record (`{"error": ..., "current": {...}}`).
    #[error("{message}")]
    Conflict {
        message: String,
        current: serde_json::Value,
    },
    /// The request body is over the limit: 413.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Too many writes from one account: 429, with `Retry-After`.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// A failure of the server itself (database, index): 500, and logged.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// A 409 that refuses the request as things stand, with no current
    /// record to give back (`"current": null`).
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::Conflict {
            message: message.into(),
            current: serde_json::Value::Null,
        }
    }

    /// The HTTP status code of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = self.to_string();
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), cause = %message, "request failed");
        }
        let body = match &self {
            ApiError::Conflict { current, .. } => {
                serde_json::json!({ "error": message, "current": current })
            }
            _ => serde_json::json!({ "error": message }),
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::TooManyRequests {
            retry_after_secs, ..
        } = &self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<IndexError> for ApiError {
    fn from(err: IndexError) -> ApiError {
        match err {
            IndexError::BadQuery(message) => {
                ApiError::BadRequest(format!("parameter q: {message}"))
            }
            other => ApiError::Internal(format!("search index: {other}")),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        match err {
            StoreError::Invalid(message) => ApiError::BadRequest(message),
            StoreError::NoSuchUser(_) => ApiError::NotFound(err.to_string()),
            StoreError::Missing(message) => ApiError::NotFound(message),
            StoreError::UserExists(_) => ApiError::conflict(err.to_string()),
            other => ApiError::Internal(format!("store: {other}")),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(err: tokio::task::JoinError) -> ApiError {
        ApiError::Internal(format!("background task failed: {err}"))
    }
}
