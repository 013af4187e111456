//! Reading response bodies: the 200 body into `Me`, checked field by field so the error names
//! the first bad field's path (`connections[3].id`), and error bodies down to their `message`.

use serde_json::{Map, Value};

use crate::error::{ClientError, ErrorCode};
use crate::messages;
use crate::model::{Account, ApiKeyInfo, Connection, ConnectionScope, Me};

/// Largest integer a JS number holds exactly; larger ids would silently change.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
/// Server text quoted in an error is cut to this many characters.
const MAX_SERVER_MESSAGE_CHARS: usize = 300;

pub fn decode_me(text: &str) -> Result<Me, ClientError> {
    let value: Value = serde_json::from_str(text).map_err(|_| invalid(not_json(text)))?;
    let root = object(&value, "the body")?;
    let account = object(field(root, "account")?, "account")?;
    let api_key = object(field(root, "apiKey")?, "apiKey")?;
    let connections = match field(root, "connections")? {
        Value::Array(items) => items,
        other => return Err(wrong_type("connections", "an array", other)),
    };
    Ok(Me {
        account: Account {
            id: id(account, "account.id")?,
            email: nullable_string(account, "email", "account.email")?,
        },
        api_key: ApiKeyInfo {
            name: string(api_key, "name", "apiKey.name")?,
            scopes: scopes(api_key)?,
            connection_scope: connection_scope(api_key)?,
        },
        connections: connections
            .iter()
            .enumerate()
            .map(|(i, item)| connection(item, i))
            .collect::<Result<_, _>>()?,
    })
}

fn connection(item: &Value, index: usize) -> Result<Connection, ClientError> {
    let path = |name: &str| format!("connections[{index}]{}{name}", if name.is_empty() { "" } else { "." });
    let obj = object(item, &path(""))?;
    Ok(Connection {
        id: id(obj, &path("id"))?,
        crm: string(obj, "crm", &path("crm"))?,
        organization_id: nullable_string(obj, "organizationId", &path("organizationId"))?,
        organization_domain: nullable_string(obj, "organizationDomain", &path("organizationDomain"))?,
    })
}

fn scopes(api_key: &Map<String, Value>) -> Result<Vec<String>, ClientError> {
    match api_key.get("scopes") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(wrong_type(&format!("apiKey.scopes[{i}]"), "a string", other)),
            })
            .collect(),
        Some(other) => Err(wrong_type("apiKey.scopes", "an array of strings", other)),
        None => Err(missing("apiKey.scopes")),
    }
}

fn connection_scope(api_key: &Map<String, Value>) -> Result<ConnectionScope, ClientError> {
    match api_key.get("connectionScope") {
        Some(Value::String(s)) if s == "account" => Ok(ConnectionScope::Account),
        Some(Value::String(s)) if s == "connection" => Ok(ConnectionScope::Connection),
        Some(Value::String(_)) => Err(invalid("apiKey.connectionScope is neither \"account\" nor \"connection\"".to_owned())),
        Some(other) => Err(wrong_type("apiKey.connectionScope", "\"account\" or \"connection\"", other)),
        None => Err(missing("apiKey.connectionScope")),
    }
}

/// The `message` of an error body, cleaned for quoting: JSON bodies only (never HTML),
/// control characters dropped, cut to a readable length. NestJS validation errors send an
/// array of strings; they are joined.
pub fn server_message(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    let raw = match value.get("message")? {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; "),
        _ => return None,
    };
    let mut cleaned: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_SERVER_MESSAGE_CHARS)
        .collect();
    if raw.chars().count() > MAX_SERVER_MESSAGE_CHARS {
        cleaned.push('…');
    }
    let cleaned = cleaned.trim().to_owned();
    (!cleaned.is_empty()).then_some(cleaned)
}

fn field<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a Value, ClientError> {
    obj.get(name).ok_or_else(|| missing(name))
}

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ClientError> {
    value.as_object().ok_or_else(|| wrong_type(path, "an object", value))
}

fn id(obj: &Map<String, Value>, path: &str) -> Result<f64, ClientError> {
    match obj.get("id") {
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() <= MAX_SAFE_INTEGER => Ok(x),
            _ => Err(invalid(format!("{path} is not an integer within JavaScript's safe range"))),
        },
        Some(other) => Err(wrong_type(path, "a number", other)),
        None => Err(missing(path)),
    }
}

fn string(obj: &Map<String, Value>, name: &str, path: &str) -> Result<String, ClientError> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(wrong_type(path, "a string", other)),
        None => Err(missing(path)),
    }
}

/// Documented as "string or null": absent is read as null.
fn nullable_string(obj: &Map<String, Value>, name: &str, path: &str) -> Result<Option<String>, ClientError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(wrong_type(path, "a string or null", other)),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn not_json(text: &str) -> String {
    let start = text.trim_start();
    if start.is_empty() {
        "the body is empty".to_owned()
    } else if start.starts_with('<') {
        "the body is HTML, not JSON (is the base URL pointing at a web page or a proxy?)".to_owned()
    } else {
        "the body is not valid JSON".to_owned()
    }
}

fn wrong_type(path: &str, expected: &str, found: &Value) -> ClientError {
    invalid(format!("{path} should be {expected} but is {}", type_name(found)))
}

fn missing(path: &str) -> ClientError {
    invalid(format!("{path} is missing"))
}

fn invalid(detail: String) -> ClientError {
    ClientError::new(ErrorCode::InvalidResponse, messages::invalid_response(&detail))
}

#[cfg(test)]
mod tests {
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

    fn detail(text: &str) -> String {
        let err = decode_me(text).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidResponse);
        err.message
    }

    #[test]
    fn decodes_the_documented_example() {
        let me = decode_me(DOCUMENTED).unwrap();
        assert_eq!(me.account, Account { id: 42.0, email: Some("you@company.com".into()) });
        assert_eq!(me.api_key.scopes, ["read"]);
        assert_eq!(me.api_key.connection_scope, ConnectionScope::Account);
        assert_eq!(
            me.connections,
            [Connection { id: 7.0, crm: "HUBSPOT".into(), organization_id: Some("123".into()), organization_domain: Some("acme.com".into()) }]
        );
    }

    #[test]
    fn absent_nullable_fields_become_null_and_unknown_fields_are_dropped() {
        let text = r#"{"account":{"id":1,"extra":true},"apiKey":{"name":"k","scopes":[],"connectionScope":"connection","secret":"x"},
                       "connections":[{"id":2,"crm":"SALESFORCE","organizationId":null}],"more":1}"#;
        let me = decode_me(text).unwrap();
        assert_eq!(me.account.email, None);
        assert_eq!(me.api_key.connection_scope, ConnectionScope::Connection);
        assert_eq!(me.connections[0].organization_id, None);
        assert_eq!(me.connections[0].organization_domain, None);
    }

    #[test]
    fn an_empty_connection_list_is_a_result() {
        assert!(decode_me(&with(r#"[{"id": 7, "crm": "HUBSPOT", "organizationId": "123", "organizationDomain": "acme.com"}]"#, "[]"))
            .unwrap()
            .connections
            .is_empty());
    }

    #[test]
    fn names_the_path_of_the_first_bad_field() {
        let conns = (0..5)
            .map(|i| if i == 3 { r#"{"id":"3","crm":"X"}"#.to_owned() } else { format!(r#"{{"id":{i},"crm":"X"}}"#) })
            .collect::<Vec<_>>()
            .join(",");
        let text = format!(r#"{{"account":{{"id":1}},"apiKey":{{"name":"k","scopes":["read"],"connectionScope":"account"}},"connections":[{conns}]}}"#);
        assert!(detail(&text).contains("connections[3].id should be a number but is a string"));

        let cases = [
            (r#""id": 42"#, r#""id": "42""#, "account.id should be a number"),
            (r#""id": 42"#, r#""id": 4.5"#, "account.id is not an integer"),
            (r#""id": 42"#, r#""id": 1e300"#, "account.id is not an integer"),
            (r#""email": "you@company.com""#, r#""email": 5"#, "account.email should be a string or null"),
            (r#""name": "Production""#, r#""name": null"#, "apiKey.name should be a string but is null"),
            (r#""scopes": ["read"]"#, r#""scopes": "read""#, "apiKey.scopes should be an array of strings"),
            (r#""scopes": ["read"]"#, r#""scopes": ["read", 1]"#, "apiKey.scopes[1] should be a string"),
            (r#""connectionScope": "account""#, r#""connectionScope": "team""#, "apiKey.connectionScope is neither"),
            (r#""crm": "HUBSPOT""#, r#""crm": ["HUBSPOT"]"#, "connections[0].crm should be a string but is an array"),
            (r#""organizationId": "123""#, r#""organizationId": 123"#, "connections[0].organizationId should be a string or null"),
            (r#""organizationDomain": "acme.com""#, r#""organizationDomain": {}"#, "connections[0].organizationDomain should be"),
            (r#""connections": ["#, r#""connections": [1, "#, "connections[0] should be an object but is a number"),
            (r#""account": {"id": 42, "email": "you@company.com"},"#, "", "account is missing"),
            (r#""id": 7, "#, "", "connections[0].id is missing"),
        ];
        for (from, to, expected) in cases {
            let message = detail(&with(from, to));
            assert!(message.contains(expected), "{to}: {message}");
        }
        assert!(detail(r#"{"account":{"id":1},"apiKey":{"name":"k","scopes":[],"connectionScope":"account"},"connections":null}"#)
            .contains("connections should be an array but is null"));
    }

    #[test]
    fn non_json_bodies_are_described_not_quoted() {
        assert!(detail("<html><body>Bad gateway</body></html>").contains("HTML"));
        assert!(!detail("<html><body>Bad gateway</body></html>").contains("Bad gateway"));
        assert!(detail("").contains("empty"));
        assert!(detail(r#"{"account": "#).contains("not valid JSON"));
        assert!(detail("[]").contains("the body should be an object but is an array"));
    }

    #[test]
    fn server_message_comes_only_from_json_and_is_cleaned() {
        assert_eq!(server_message(r#"{"statusCode":401,"message":"Invalid API key","error":"Unauthorized"}"#).as_deref(), Some("Invalid API key"));
        assert_eq!(server_message(r#"{"message":["a","b"]}"#).as_deref(), Some("a; b"));
        assert_eq!(server_message(r#"{"message":"line\nbreak\u0007"}"#).as_deref(), Some("line break"));
        assert_eq!(server_message("<html>500</html>"), None);
        assert_eq!(server_message(r#"{"message":"  "}"#), None);
        assert_eq!(server_message(r#"{"message":42}"#), None);
        let long = server_message(&format!(r#"{{"message":"{}"}}"#, "x".repeat(1000))).unwrap();
        assert_eq!(long.chars().count(), 301);
    }
}
