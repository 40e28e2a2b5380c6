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
    /// The request body is over the limit: 413.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A failure of the server itself (database, index): 500, and logged.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status code of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
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
        let mut response = (status, Json(serde_json::json!({ "error": message }))).into_response();
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
        ApiError::Internal(format!("store: {err}"))
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(err: tokio::task::JoinError) -> ApiError {
        ApiError::Internal(format!("background task failed: {err}"))
    }
}
