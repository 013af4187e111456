//! The one error value every failure becomes, before the boundary turns it into a JS class.
//!
//! `Debug` is written by hand: an error never holds the key, but the derive would also print
//! server text verbatim, and we want one reviewed place that decides what is shown.

use core::fmt;

/// Which exported JS class a failure becomes. The names are the contract: they are the
/// class names in `js/errors.js` and the `name` users see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Config,
    Authentication,
    Permission,
    RateLimit,
    Server,
    Response,
    Connection,
    Timeout,
    Abort,
}

impl ErrorKind {
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorKind::Config => "OutboundSyncConfigError",
            ErrorKind::Authentication => "OutboundSyncAuthenticationError",
            ErrorKind::Permission => "OutboundSyncPermissionError",
            ErrorKind::RateLimit => "OutboundSyncRateLimitError",
            ErrorKind::Server => "OutboundSyncServerError",
            ErrorKind::Response => "OutboundSyncResponseError",
            ErrorKind::Connection => "OutboundSyncConnectionError",
            ErrorKind::Timeout => "OutboundSyncTimeoutError",
            ErrorKind::Abort => "OutboundSyncAbortError",
        }
    }
}

/// Stable machine-readable codes (`err.code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    MissingApiKey,
    MalformedApiKey,
    InsecureBaseUrl,
    InvalidOption,
    BrowserDisallowed,
    Unauthorized,
    ApiAccessDisabled,
    RateLimited,
    ServerError,
    UnexpectedStatus,
    UnexpectedRedirect,
    InvalidResponse,
    NetworkError,
    Timeout,
    Aborted,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingApiKey => "missing_api_key",
            ErrorCode::MalformedApiKey => "malformed_api_key",
            ErrorCode::InsecureBaseUrl => "insecure_base_url",
            ErrorCode::InvalidOption => "invalid_option",
            ErrorCode::BrowserDisallowed => "browser_disallowed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::ApiAccessDisabled => "api_access_disabled",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ServerError => "server_error",
            ErrorCode::UnexpectedStatus => "unexpected_status",
            ErrorCode::UnexpectedRedirect => "unexpected_redirect",
            ErrorCode::InvalidResponse => "invalid_response",
            ErrorCode::NetworkError => "network_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Aborted => "aborted",
        }
    }

    pub fn kind(self) -> ErrorKind {
        use ErrorCode::*;
        match self {
            MissingApiKey | MalformedApiKey | InsecureBaseUrl | InvalidOption
            | BrowserDisallowed => ErrorKind::Config,
            Unauthorized => ErrorKind::Authentication,
            ApiAccessDisabled => ErrorKind::Permission,
            RateLimited => ErrorKind::RateLimit,
            ServerError => ErrorKind::Server,
            UnexpectedStatus | UnexpectedRedirect | InvalidResponse => ErrorKind::Response,
            NetworkError => ErrorKind::Connection,
            Timeout => ErrorKind::Timeout,
            Aborted => ErrorKind::Abort,
        }
    }

    /// Whether trying the same call again later can succeed (`err.retryable`).
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::RateLimited
                | ErrorCode::ServerError
                | ErrorCode::NetworkError
                | ErrorCode::Timeout
        )
    }
}

/// A failure with everything the JS error exposes, except `cause` (a JS value the
/// boundary attaches).
#[derive(Clone, PartialEq)]
pub struct ClientError {
    pub code: ErrorCode,
    pub message: String,
    pub status: Option<u16>,
    pub attempts: u32,
    pub server_message: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<f64>,
    pub key_hint: Option<String>,
    /// `unauthorized`: the key does not start with `osapi_`, so it may be a platform key (what
    /// the message says in words, for code such as the command's advice).
    pub maybe_platform_key: Option<bool>,
    /// `invalid_response`: what is wrong with the body, as the message gives it
    /// (`connections[3].id should be a number but is a string`).
    pub problem: Option<String>,
}

impl ClientError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ClientError {
            code,
            message: message.into(),
            status: None,
            attempts: 0,
            server_message: None,
            request_id: None,
            retry_after: None,
            key_hint: None,
            maybe_platform_key: None,
            problem: None,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }
}

impl fmt::Debug for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(self.kind().class_name())
            .field("code", &self.code.as_str())
            .field("message", &self.message)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("key_hint", &self.key_hint)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind().class_name(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_maps_to_the_class_of_the_contract_table() {
        let table = [
            ("missing_api_key", "OutboundSyncConfigError", false),
            ("malformed_api_key", "OutboundSyncConfigError", false),
            ("insecure_base_url", "OutboundSyncConfigError", false),
            ("invalid_option", "OutboundSyncConfigError", false),
            ("browser_disallowed", "OutboundSyncConfigError", false),
            ("unauthorized", "OutboundSyncAuthenticationError", false),
            ("api_access_disabled", "OutboundSyncPermissionError", false),
            ("rate_limited", "OutboundSyncRateLimitError", true),
            ("server_error", "OutboundSyncServerError", true),
            ("unexpected_status", "OutboundSyncResponseError", false),
            ("unexpected_redirect", "OutboundSyncResponseError", false),
            ("invalid_response", "OutboundSyncResponseError", false),
            ("network_error", "OutboundSyncConnectionError", true),
            ("timeout", "OutboundSyncTimeoutError", true),
            ("aborted", "OutboundSyncAbortError", false),
        ];
        use ErrorCode::*;
        let codes = [
            MissingApiKey, MalformedApiKey, InsecureBaseUrl, InvalidOption, BrowserDisallowed,
            Unauthorized, ApiAccessDisabled, RateLimited, ServerError, UnexpectedStatus,
            UnexpectedRedirect, InvalidResponse, NetworkError, Timeout, Aborted,
        ];
        for (code, (name, class, retryable)) in codes.iter().zip(table) {
            assert_eq!(code.as_str(), name);
            assert_eq!(code.kind().class_name(), class, "{name}");
            assert_eq!(code.retryable(), retryable, "{name}");
        }
    }
}
