//! The one error value every failure becomes, before the boundary turns it into a JS class.
//!
//! `Debug` is written by hand: an error never holds the key, but the derive would also print
//! server text verbatim, and we want one reviewed place that decides what is shown.

use core::fmt;

/// Declares an enum whose variants each stand for one name users see, with `ALL` (every variant,
/// in order) and `name()`: each name is written once, and the tables the package derives from
/// them (`examples/contract.rs` for index.d.ts and the agreement test) cannot miss one.
macro_rules! named {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
        }
    };
}

named! {
    /// Which exported JS class a failure becomes. The names are the contract: they are the
    /// class names in `js/errors.js` and the `name` users see.
    pub enum ErrorKind {
        Config => "OutboundSyncConfigError",
        Authentication => "OutboundSyncAuthenticationError",
        Permission => "OutboundSyncPermissionError",
        RateLimit => "OutboundSyncRateLimitError",
        Server => "OutboundSyncServerError",
        Response => "OutboundSyncResponseError",
        Connection => "OutboundSyncConnectionError",
        Timeout => "OutboundSyncTimeoutError",
        Abort => "OutboundSyncAbortError",
    }
}

impl ErrorKind {
    pub fn class_name(self) -> &'static str {
        self.name()
    }
}

named! {
    /// Stable machine-readable codes (`err.code`).
    pub enum ErrorCode {
        MissingApiKey => "missing_api_key",
        MalformedApiKey => "malformed_api_key",
        InsecureBaseUrl => "insecure_base_url",
        InvalidOption => "invalid_option",
        BrowserDisallowed => "browser_disallowed",
        Unauthorized => "unauthorized",
        ApiAccessDisabled => "api_access_disabled",
        RateLimited => "rate_limited",
        ServerError => "server_error",
        UnexpectedStatus => "unexpected_status",
        UnexpectedRedirect => "unexpected_redirect",
        InvalidResponse => "invalid_response",
        NetworkError => "network_error",
        Timeout => "timeout",
        Aborted => "aborted",
    }
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.name()
    }

    pub fn kind(self) -> ErrorKind {
        use ErrorCode::*;
        match self {
            MissingApiKey | MalformedApiKey | InsecureBaseUrl | InvalidOption | BrowserDisallowed => ErrorKind::Config,
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
        matches!(self, ErrorCode::RateLimited | ErrorCode::ServerError | ErrorCode::NetworkError | ErrorCode::Timeout)
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
    fn every_code_and_class_is_listed_once_and_every_class_has_a_code() {
        let mut codes: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
        for kind in ErrorKind::ALL {
            assert!(ErrorCode::ALL.iter().any(|c| c.kind() == *kind), "{kind:?} has no code");
        }
    }

    #[test]
    fn what_can_pass_by_itself_is_retryable() {
        let retryable: Vec<_> = ErrorCode::ALL.iter().filter(|c| c.retryable()).map(|c| c.as_str()).collect();
        assert_eq!(retryable, ["rate_limited", "server_error", "network_error", "timeout"]);
    }
}
