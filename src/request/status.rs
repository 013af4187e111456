//! What an HTTP status means for a `/me` call: success, or which error it becomes.

use crate::errors::messages;
use crate::errors::{ClientError, ErrorCode};

/// Facts about a failed response that the error carries or its message quotes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FailedResponse {
    pub status: u16,
    /// The body's `message`, already sanitised (see `body::server_message`).
    pub server_message: Option<String>,
    pub request_id: Option<String>,
    /// Parsed `Retry-After`, in seconds.
    pub retry_after: Option<f64>,
}

/// Only 200 is the documented success; anything else is classified by `classify`.
pub fn is_success(status: u16) -> bool {
    status == 200
}

/// Browsers report a manual redirect as an `opaqueredirect` response with status 0.
pub fn is_redirect(status: u16) -> bool {
    status == 0 || (300..400).contains(&status)
}

/// The error a non-200 response becomes. `attempts` is the number of HTTP attempts so far.
pub fn classify(response: FailedResponse, key_has_prefix: bool, attempts: u32) -> ClientError {
    let FailedResponse { status, server_message, request_id, retry_after } = response;
    let server = server_message.as_deref();
    let (code, message) = match status {
        401 => (ErrorCode::Unauthorized, messages::unauthorized(server, key_has_prefix)),
        403 => (ErrorCode::ApiAccessDisabled, messages::api_access_disabled(server)),
        429 => (ErrorCode::RateLimited, messages::rate_limited(retry_after, attempts)),
        500..=599 => (ErrorCode::ServerError, messages::server_error(status, server, attempts)),
        s if is_redirect(s) => (ErrorCode::UnexpectedRedirect, messages::unexpected_redirect(s)),
        _ => (ErrorCode::UnexpectedStatus, messages::unexpected_status(status, server)),
    };
    let mut err = ClientError::new(code, message);
    err.status = (status != 0).then_some(status);
    err.attempts = attempts;
    err.server_message = server_message;
    err.request_id = request_id;
    err.retry_after = if code == ErrorCode::RateLimited || code == ErrorCode::ServerError { retry_after } else { None };
    err.maybe_platform_key = (code == ErrorCode::Unauthorized).then_some(!key_has_prefix);
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(status: u16) -> FailedResponse {
        FailedResponse { status, ..Default::default() }
    }

    #[test]
    fn each_status_becomes_the_code_of_the_contract() {
        let cases = [
            (401, ErrorCode::Unauthorized),
            (403, ErrorCode::ApiAccessDisabled),
            (429, ErrorCode::RateLimited),
            (500, ErrorCode::ServerError),
            (503, ErrorCode::ServerError),
            (599, ErrorCode::ServerError),
            (0, ErrorCode::UnexpectedRedirect),
            (301, ErrorCode::UnexpectedRedirect),
            (307, ErrorCode::UnexpectedRedirect),
            (201, ErrorCode::UnexpectedStatus),
            (204, ErrorCode::UnexpectedStatus),
            (400, ErrorCode::UnexpectedStatus),
            (404, ErrorCode::UnexpectedStatus),
            (408, ErrorCode::UnexpectedStatus),
            (600, ErrorCode::UnexpectedStatus),
        ];
        for (status, code) in cases {
            assert!(!is_success(status));
            assert_eq!(classify(failed(status), true, 1).code, code, "HTTP {status}");
        }
        assert!(is_success(200));
    }

    #[test]
    fn carries_status_server_message_request_id_and_attempts() {
        let err = classify(
            FailedResponse {
                status: 429,
                server_message: Some("ThrottlerException: Too Many Requests".into()),
                request_id: Some("req_1".into()),
                retry_after: Some(7.0),
            },
            true,
            3,
        );
        assert_eq!(err.status, Some(429));
        assert_eq!(err.attempts, 3);
        assert_eq!(err.retry_after, Some(7.0));
        assert_eq!(err.request_id.as_deref(), Some("req_1"));
        assert_eq!(err.server_message.as_deref(), Some("ThrottlerException: Too Many Requests"));
        assert!(err.message.contains("Retry after 7 seconds"));
    }

    #[test]
    fn only_unauthorized_says_whether_the_key_may_be_a_platform_key_as_its_message_does() {
        for key_has_prefix in [true, false] {
            let err = classify(failed(401), key_has_prefix, 1);
            assert_eq!(err.maybe_platform_key, Some(!key_has_prefix));
            assert_eq!(err.message.contains("platform key"), !key_has_prefix, "{}", err.message);
        }
        for status in [403, 429, 500, 301, 404] {
            assert_eq!(classify(failed(status), false, 1).maybe_platform_key, None, "HTTP {status}");
        }
    }

    #[test]
    fn opaque_redirects_have_no_status() {
        assert_eq!(classify(failed(0), true, 1).status, None);
    }
}
