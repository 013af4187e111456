//! Reading response bodies with serde_json: the 200 body read into the model
//! (`OutboundSyncMe`), with an error that names the first bad field's path
//! (`connections[3].id`, from the trail the readers keep: `trail.rs`) and, when it had exactly
//! the documented fields, a note that JavaScript may parse it itself; error bodies down to their
//! `message`. The readers: `check.rs` (objects, arrays, error bodies), `scalar.rs` (strings,
//! ids), `keyed.rs` (an object's keys).

use serde::Deserialize;
use serde_json::error::Category;

pub mod check;
mod keyed;
pub mod model;
pub mod scalar;
mod trail;

#[cfg(target_arch = "wasm32")]
pub mod js_result;

use crate::errors::messages;
use crate::errors::text;
use crate::errors::{ClientError, ErrorCode};
use check::WholeBody;
use model::OutboundSyncMe;
use trail::{Reading, Trail};

/// Server text quoted in an error is cut to this many characters.
const MAX_SERVER_MESSAGE_CHARS: usize = 300;

/// A 200 body that passed the checks, and how JavaScript gets its result.
#[derive(Debug, PartialEq)]
pub enum CheckedBody {
    /// Each documented field exactly once and nothing else: `JSON.parse` of the body itself is
    /// the result (the same values as the model, in the body's key order).
    Exact,
    /// The documented fields, read from a body with extra or absent ones.
    Read(OutboundSyncMe),
}

/// Checked first without copying its text; only a body that is not exact is read again into
/// the model (the same readers, keeping the text).
pub fn decode_me(bytes: &[u8]) -> Result<CheckedBody, ClientError> {
    match check_only(bytes)? {
        Checked::Exact => Ok(CheckedBody::Exact),
        Checked::NotExact => read_me(bytes).map(CheckedBody::Read),
    }
}

/// The documented fields of a 200 body; unknown fields are dropped, absent nullable fields
/// read as `null`.
pub fn read_me(bytes: &[u8]) -> Result<OutboundSyncMe, ClientError> {
    read::<Model>(bytes)
}

/// What a read that only checks learns of a body that is the documented JSON. It holds no
/// model: the one such a read builds has its text and lists left empty, and `read` drops it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Checked {
    /// Each documented field exactly once and nothing else.
    Exact,
    /// The documented fields among others, or without absent nullable ones.
    NotExact,
}

fn check_only(bytes: &[u8]) -> Result<Checked, ClientError> {
    read::<CheckOnly>(bytes)
}

/// What a read of a 200 body gives back: the model, or only what checking it learnt.
trait Outcome {
    type Out;
    const READING: Reading;
    fn out(read: OutboundSyncMe, trail: &Trail) -> Self::Out;
}

struct Model;

impl Outcome for Model {
    type Out = OutboundSyncMe;
    const READING: Reading = Reading::Model;
    fn out(me: OutboundSyncMe, _: &Trail) -> OutboundSyncMe {
        me
    }
}

struct CheckOnly;

impl Outcome for CheckOnly {
    type Out = Checked;
    const READING: Reading = Reading::Check;
    fn out(_hollow: OutboundSyncMe, trail: &Trail) -> Checked {
        if trail.exact {
            Checked::Exact
        } else {
            Checked::NotExact
        }
    }
}

/// One read of a 200 body through the checks.
fn read<O: Outcome>(bytes: &[u8]) -> Result<O::Out, ClientError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let (read, trail) = trail::traced(O::READING, || WholeBody::<OutboundSyncMe>::deserialize(&mut de));
    let me = match read {
        Ok(WholeBody(me)) => me,
        Err(err) => return Err(refused(bytes, &trail, &err)),
    };
    de.end().map_err(|_| invalid_response(not_json(bytes)))?;
    Ok(O::out(me, &trail))
}

/// Out of line: a call with a good body never runs (so never compiles) it.
#[cold]
#[inline(never)]
fn refused(bytes: &[u8], trail: &Trail, err: &serde_json::Error) -> ClientError {
    let detail = match err.classify() {
        Category::Data => field_problem(&trail.path(), err),
        Category::Syntax | Category::Eof | Category::Io => not_json(bytes).to_owned(),
    };
    invalid_response(&detail)
}

/// The `message` of an error body, cleaned for quoting: JSON bodies only (never HTML),
/// `redact` applied before anything is cut (so no part of a secret survives at the cut),
/// control characters dropped, cut to a readable length.
pub fn server_message(bytes: &[u8], redact: impl FnOnce(String) -> String) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let message = check::error_message(&mut de).ok()?;
    de.end().ok()?;
    text::clean(&redact(message?), MAX_SERVER_MESSAGE_CHARS)
}

/// The error for a 200 body that is not the documented JSON; `detail` says what is wrong.
pub(crate) fn invalid_response(detail: &str) -> ClientError {
    let mut error = ClientError::new(ErrorCode::InvalidResponse, messages::invalid_response(detail));
    error.problem = Some(detail.to_owned());
    error
}

/// `path` is the trail's (`.` for the body itself). The checks in `check.rs` and `scalar.rs` write
/// what follows the path; the two problems derived structs report themselves are serde's
/// `missing field` and `duplicate field`, which name the field inside the path's object.
fn field_problem(path: &str, error: &serde_json::Error) -> String {
    let full = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let problem = full.strip_suffix(&position).unwrap_or(&full);
    let named = |prefix: &str| problem.strip_prefix(prefix).and_then(|rest| rest.strip_suffix('`'));
    let at = |field: &str| if path == "." { field.to_owned() } else { format!("{path}.{field}") };
    if let Some(field) = named("missing field `") {
        format!("{} is missing", at(field))
    } else if let Some(field) = named("duplicate field `") {
        format!("{} appears twice", at(field))
    } else if path == "." {
        format!("the body {problem}")
    } else {
        format!("{path} {problem}")
    }
}

fn not_json(bytes: &[u8]) -> &'static str {
    match bytes.trim_ascii_start().first() {
        None => "the body is empty",
        Some(b'<') => "the body is HTML, not JSON (is the base URL pointing at a web page or a proxy?)",
        Some(_) => "the body is not valid JSON",
    }
}

#[cfg(test)]
mod tests {
    use super::model::ConnectionScope;
    use super::*;

    const DOCUMENTED: &str = r#"{
      "account": {"id": 42, "email": "you@company.com"},
      "apiKey": {"name": "Production", "scopes": ["read"], "connectionScope": "account"},
      "connections": [{"id": 7, "crm": "HUBSPOT", "organizationId": "123", "organizationDomain": "acme.com"}]
    }"#;

    fn with(patch: &str, replacement: &str) -> String {
        assert!(DOCUMENTED.contains(patch), "{patch}");
        DOCUMENTED.replace(patch, replacement)
    }

    /// The message; every case also checks that `problem` is what the message says is wrong.
    fn detail(text: &str) -> String {
        let err = decode_me(text.as_bytes()).unwrap_err();
        assert_eq!(read_me(text.as_bytes()).unwrap_err(), err);
        assert_eq!(err.code, ErrorCode::InvalidResponse);
        let problem = err.problem.as_deref().expect("an invalid response names its problem");
        assert_eq!(err.message, messages::invalid_response(problem));
        err.message
    }

    fn result(text: &str) -> OutboundSyncMe {
        read_me(text.as_bytes()).unwrap_or_else(|e| panic!("{e:?}: {text}"))
    }

    #[test]
    fn bodies_with_exactly_the_documented_fields_go_to_javascript_as_they_are() {
        assert_eq!(decode_me(DOCUMENTED.as_bytes()).unwrap(), CheckedBody::Exact);
        let reordered = r#"{"connections":[],"apiKey":{"connectionScope":"connection","scopes":[],"name":"P"},"account":{"email":null,"id":-1}}"#;
        assert_eq!(decode_me(reordered.as_bytes()).unwrap(), CheckedBody::Exact);
        let extra = with(r#""id": 7, "#, r#""id": 7, "refreshToken": "t", "#);
        assert_eq!(decode_me(extra.as_bytes()).unwrap(), CheckedBody::Read(result(&extra)));
        let absent = with(r#", "email": "you@company.com""#, "");
        assert_eq!(decode_me(absent.as_bytes()).unwrap(), CheckedBody::Read(result(&absent)));
        // An unknown key in place of an absent one: as many keys as fields, still not exact.
        let swapped = with(r#", "email": "you@company.com""#, r#", "mail": "you@company.com""#);
        assert_eq!(decode_me(swapped.as_bytes()).unwrap(), CheckedBody::Read(result(&swapped)));
        for (from, to) in [
            (r#""scopes": ["read"]"#, r#""scopes": ["read"], "x": null"#),
            (r#""organizationDomain": "acme.com""#, r#""organizationDomain": "acme.com", "x": {"y": 1}"#),
            (r#""connections": ["#, r#""x": [], "connections": ["#),
        ] {
            let text = with(from, to);
            assert_eq!(decode_me(text.as_bytes()).unwrap(), CheckedBody::Read(result(&text)), "{to}");
        }
    }

    #[test]
    fn the_documented_example_is_read_field_by_field() {
        let me = result(DOCUMENTED);
        assert_eq!(me.account.id, 42);
        assert_eq!(me.account.email.as_deref(), Some("you@company.com"));
        assert_eq!(me.api_key.name, "Production");
        assert_eq!(me.api_key.scopes, ["read"]);
        assert_eq!(me.api_key.connection_scope, ConnectionScope::Account);
        assert_eq!(me.connections[0].id, 7);
        assert_eq!(me.connections[0].crm, "HUBSPOT");
        assert_eq!(me.connections[0].organization_id.as_deref(), Some("123"));
        assert_eq!(me.connections[0].organization_domain.as_deref(), Some("acme.com"));
    }

    #[test]
    fn what_js_receives_has_exactly_the_documented_fields_in_order() {
        let text = r#"{"connections":[{"crm":"X","organizationDomain":"d","id":3,"organizationId":"o","refreshToken":"t"}],"more":1,
                       "apiKey":{"connectionScope":"account","scopes":["read"],"name":"n","secret":"x"},"account":{"email":null,"id":1,"extra":{"deep":[1,{"x":null}]}}}"#;
        assert_eq!(
            serde_json::to_string(&result(text)).unwrap(),
            r#"{"account":{"id":1,"email":null},"apiKey":{"name":"n","scopes":["read"],"connectionScope":"account"},"connections":[{"id":3,"crm":"X","organizationId":"o","organizationDomain":"d"}]}"#
        );
    }

    #[test]
    fn absent_nullable_fields_become_null_and_unknown_fields_are_dropped() {
        let text = r#"{"account":{"id":1,"extra":{"deep":[1,{"x":null}]}},"apiKey":{"name":"k","scopes":[],"connectionScope":"connection","secret":"x"},
                       "connections":[{"id":2,"crm":"SALESFORCE","organizationId":null,"refreshToken":"t"}],"more":1}"#;
        let me = result(text);
        assert_eq!(me.account.email, None);
        assert_eq!(me.api_key.connection_scope, ConnectionScope::Connection);
        assert_eq!(me.connections[0].organization_id, None);
        assert_eq!(me.connections[0].organization_domain, None);
        let json = serde_json::to_string(&me).unwrap();
        assert!(!json.contains("extra") && !json.contains("secret") && !json.contains("refreshToken") && !json.contains("more"));
        assert!(json.contains(r#""email":null"#) && json.contains(r#""organizationDomain":null"#), "{json}");
    }

    #[test]
    fn strings_are_unescaped() {
        let text = with(r#""name": "Production""#, r#""name": "Pro\"duc\u00e9tion 漢字""#);
        assert_eq!(result(&text).api_key.name, "Pro\"duc\u{e9}tion 漢字");
    }

    #[test]
    fn an_empty_connection_list_is_a_result() {
        let text = with(r#"[{"id": 7, "crm": "HUBSPOT", "organizationId": "123", "organizationDomain": "acme.com"}]"#, "[ ]");
        assert!(result(&text).connections.is_empty());
    }

    #[test]
    fn ids_are_integers_within_javascripts_safe_range() {
        assert_eq!(result(&with(r#""id": 42"#, r#""id": -9007199254740991"#)).account.id, -9_007_199_254_740_991);
        assert_eq!(result(&with(r#""id": 42"#, r#""id": 9007199254740991"#)).account.id, 9_007_199_254_740_991);
    }

    #[test]
    fn names_the_path_of_the_first_bad_field() {
        let conns =
            (0..5).map(|i| if i == 3 { r#"{"id":"3","crm":"X"}"#.to_owned() } else { format!(r#"{{"id":{i},"crm":"X"}}"#) }).collect::<Vec<_>>().join(",");
        let text = format!(r#"{{"account":{{"id":1}},"apiKey":{{"name":"k","scopes":["read"],"connectionScope":"account"}},"connections":[{conns}]}}"#);
        assert!(detail(&text).contains("connections[3].id should be a number but is a string"), "{}", detail(&text));
        assert_eq!(read_me(text.as_bytes()).unwrap_err().problem.as_deref(), Some("connections[3].id should be a number but is a string"));

        let cases = [
            (r#""id": 42"#, r#""id": "42""#, "account.id should be a number but is a string"),
            (r#""id": 42"#, r#""id": 4.5"#, "account.id is not an integer"),
            (r#""id": 42"#, r#""id": 7.0"#, "account.id is not an integer"),
            (r#""id": 42"#, r#""id": 1e300"#, "account.id is not an integer"),
            (r#""id": 42"#, r#""id": 9007199254740992"#, "account.id is not an integer within JavaScript's safe range"),
            (r#""id": 42"#, r#""id": 12345678901234567890"#, "account.id is not an integer"),
            (r#""email": "you@company.com""#, r#""email": 5"#, "account.email should be a string or null"),
            (r#""name": "Production""#, r#""name": null"#, "apiKey.name should be a string but is null"),
            (r#""scopes": ["read"]"#, r#""scopes": "read""#, "apiKey.scopes should be an array of strings"),
            (r#""scopes": ["read"]"#, r#""scopes": ["read", 1]"#, "apiKey.scopes[1] should be a string"),
            (r#""connectionScope": "account""#, r#""connectionScope": "team""#, "apiKey.connectionScope is neither"),
            (r#""connectionScope": "account""#, r#""connectionScope": true"#, "apiKey.connectionScope should be"),
            (r#""crm": "HUBSPOT""#, r#""crm": ["HUBSPOT"]"#, "connections[0].crm should be a string but is an array"),
            (r#""organizationId": "123""#, r#""organizationId": 123"#, "connections[0].organizationId should be a string or null"),
            (r#""organizationDomain": "acme.com""#, r#""organizationDomain": {}"#, "connections[0].organizationDomain should be"),
            (r#""connections": ["#, r#""connections": [1, "#, "connections[0] should be an object but is a number"),
            (r#""account": {"id": 42, "email": "you@company.com"},"#, "", "account is missing"),
            (r#""id": 7, "#, "", "connections[0].id is missing"),
            (r#""id": 7, "#, r#""id": 7, "id": 8, "#, "connections[0].id appears twice"),
            (r#""name": "Production", "#, "", "apiKey.name is missing"),
            (r#""account": {"id": 42, "email": "you@company.com"}"#, r#""account": [42, "you@company.com"]"#, "account should be an object but is an array"),
        ];
        for (from, to, expected) in cases {
            let message = detail(&with(from, to));
            assert!(message.contains(expected), "{to}: {message}");
            assert!(!message.contains("line") && !message.contains("i64"), "{to}: {message}");
        }
        assert!(detail(r#"{"account":{"id":1},"apiKey":{"name":"k","scopes":[],"connectionScope":"account"},"connections":null}"#)
            .contains("connections should be an array but is null"));
    }

    #[test]
    fn server_values_are_not_quoted_in_messages() {
        let message = detail(&with(r#""id": 42"#, r#""id": "secret-looking-value""#));
        assert!(!message.contains("secret-looking-value"), "{message}");
    }

    #[test]
    fn non_json_bodies_are_described_not_quoted() {
        assert!(detail("<html><body>Bad gateway</body></html>").contains("HTML"));
        assert!(!detail("<html><body>Bad gateway</body></html>").contains("Bad gateway"));
        assert!(detail("").contains("empty"));
        assert!(detail(r#"{"account": "#).contains("not valid JSON"));
        assert!(detail(&format!("{DOCUMENTED} trailing")).contains("not valid JSON"));
        assert!(detail(&DOCUMENTED[..DOCUMENTED.len() / 2]).contains("not valid JSON"));
        assert!(detail("[]").contains("the body should be an object but is an array"));
        assert!(detail("\u{FFFD}").contains("not valid JSON"));
        assert!(decode_me(b"{\"account\":\xff}").is_err());
    }

    #[test]
    fn server_message_comes_only_from_json_and_is_cleaned() {
        let read = |text: &str| server_message(text.as_bytes(), |m| m);
        assert_eq!(read(r#"{"statusCode":401,"message":"Invalid API key","error":"Unauthorized"}"#).as_deref(), Some("Invalid API key"));
        assert_eq!(read(r#"{"statusCode":"x","message":"kept","error":7}"#).as_deref(), Some("kept"));
        assert_eq!(read(r#"{"message":["a","b"]}"#).as_deref(), Some("a; b"));
        assert_eq!(read(r#"{"message":["a",1,"b"]}"#).as_deref(), Some("a; b"));
        assert_eq!(read(r#"{"message":"line\nbreak\u0007"}"#).as_deref(), Some("line break"));
        assert_eq!(read(r#"{"message":"caf\u00e9 \"quoted\""}"#).as_deref(), Some("café \"quoted\""));
        assert_eq!(read("<html>500</html>"), None);
        assert_eq!(read(r#"["x","Invalid API key"]"#), None);
        assert_eq!(read(r#"{"message":"  "}"#), None);
        assert_eq!(read(r#"{"message":42}"#), None);
        assert_eq!(read(r#"{"message":"x""#), None);
        assert_eq!(read(r#"{"message":"a","message":"b"}"#), None, "a repeated message is refused, not picked");
        assert_eq!(read(r#"{"error":{"message":"inner"},"message":"outer"}"#).as_deref(), Some("outer"));
        assert_eq!(read(r#"{"message":"kept"} x"#), None);
        let long = read(&format!(r#"{{"message":"{}"}}"#, "x".repeat(1000))).unwrap();
        assert_eq!(long.chars().count(), 301);
    }
}
