//! Reading response bodies. The 200 body is checked field by field against the documented
//! shape, so an error names the first bad field's path (`connections[3].id`), and the result
//! is handed to JavaScript as JSON text for one `JSON.parse`: the body itself when it already
//! has exactly the documented fields in order (the usual case), else a normalised copy with
//! unknown fields dropped and absent nullable fields as `null`. Error bodies are read down to
//! their `message`.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::error::{ClientError, ErrorCode};
use crate::json::{self, Kind, Reader, SyntaxError};
use crate::messages;
use crate::text::{self, decimal};

/// Largest integer a JS number holds exactly; larger ids would silently change.
const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;
/// Server text quoted in an error is cut to this many characters.
const MAX_SERVER_MESSAGE_CHARS: usize = 300;

/// A valid `/me` body, as JSON text for `JSON.parse`.
#[derive(Debug, PartialEq)]
pub enum MeJson {
    /// The body has exactly the documented fields, in order: parse it as it is.
    AsIs,
    /// The documented fields only, in order, absent nullable fields as `null`.
    Normalized(String),
}

pub fn decode_me(text: &str) -> Result<MeJson, ClientError> {
    // First a check that writes nothing; only a body that is not exact is walked again to
    // write its normalised copy.
    let exact = walk(text, &mut Out::off()).map_err(|e| e.or_not_json(text))?;
    if exact {
        return Ok(MeJson::AsIs);
    }
    let mut out = Out::on(text.len());
    walk(text, &mut out).map_err(|e| e.or_not_json(text))?;
    Ok(MeJson::Normalized(out.buf))
}

/// Where the JSON written for JS goes, if anywhere.
struct Out {
    buf: String,
    on: bool,
}

impl Out {
    fn off() -> Self {
        Out { buf: String::new(), on: false }
    }

    fn on(capacity: usize) -> Self {
        Out { buf: String::with_capacity(capacity), on: true }
    }

    fn push(&mut self, text: &str) {
        if self.on {
            self.buf.push_str(text);
        }
    }

    /// A part written out of order is kept aside and placed later.
    fn part(&self) -> Out {
        Out { buf: String::new(), on: self.on }
    }
}

/// A field's path for messages (`connections[3].id`), only rendered when something is wrong.
#[derive(Clone, Copy)]
struct Path<'p> {
    parent: &'p str,
    index: Option<u64>,
    field: &'p str,
}

impl<'p> Path<'p> {
    const fn of(parent: &'p str) -> Self {
        Path { parent, index: None, field: "" }
    }

    fn at(self, index: u64) -> Self {
        Path { index: Some(index), ..self }
    }

    fn field(self, field: &'p str) -> Self {
        Path { field, ..self }
    }

    fn render(self) -> String {
        let mut text = String::from(self.parent);
        if let Some(i) = self.index {
            text.push('[');
            text.push_str(&decimal(i));
            text.push(']');
        }
        if !self.field.is_empty() {
            if !text.is_empty() {
                text.push('.');
            }
            text.push_str(self.field);
        }
        text
    }
}

/// Checks the body; writes the normalised copy into `out` when it is on. True when the body
/// already has exactly the documented fields in order.
fn walk(text: &str, out: &mut Out) -> Result<bool, Problem> {
    let mut r = Reader::new(text);
    let mut exact = true;
    let mut parts = [out.part(), out.part(), out.part()];
    expect_kind(&mut r, Path::of("the body"), Kind::Object, "an object")?;
    read_object(&mut r, Path::of(""), &["account", "apiKey", "connections"], &mut exact, |r, index, exact| match parts.get_mut(index) {
        Some(part) if index == 0 => account(r, exact, part),
        Some(part) if index == 1 => api_key(r, exact, part),
        Some(part) => connections(r, exact, part),
        None => Ok(()),
    })?;
    r.finish()?;
    let [account, api_key, connections] = parts;
    for (name, part) in [("{\"account\":", account), (",\"apiKey\":", api_key), (",\"connections\":", connections)] {
        out.push(name);
        out.push(&part.buf);
    }
    out.push("}");
    Ok(exact)
}

fn account(r: &mut Reader, exact: &mut bool, out: &mut Out) -> Result<(), Problem> {
    let path = Path::of("account");
    expect_kind(r, path, Kind::Object, "an object")?;
    let mut fields: [Option<&str>; 2] = [None, None];
    read_object(r, path, &["id", "email"], exact, |r, i, _| {
        let token = if i == 0 { id(r, path.field("id"))? } else { nullable_string(r, path.field("email"))? };
        if let Some(slot) = fields.get_mut(i) {
            *slot = Some(token);
        }
        Ok(())
    })?;
    write_object(out, &["id", "email"], &fields);
    Ok(())
}

fn api_key(r: &mut Reader, exact: &mut bool, out: &mut Out) -> Result<(), Problem> {
    let path = Path::of("apiKey");
    expect_kind(r, path, Kind::Object, "an object")?;
    let mut name = None;
    let mut scopes = out.part();
    let mut scope = None;
    read_object(r, path, &["name", "scopes", "connectionScope"], exact, |r, i, _| {
        match i {
            0 => name = Some(string(r, path.field("name"))?),
            1 => scope_list(r, &mut scopes)?,
            _ => scope = Some(connection_scope(r)?),
        }
        Ok(())
    })?;
    write_object(out, &["name", "scopes", "connectionScope"], &[name, Some(scopes.buf.as_str()), scope]);
    Ok(())
}

// The shipped build (pinned nightly, where `optimize` is stable) compiles the connections
// loop, the one hot loop, for speed inside an otherwise size-optimised binary.
#[cfg_attr(feature = "standalone", optimize(speed))]
#[inline(never)] // inlined into `walk`, it would be compiled for size
fn connections(r: &mut Reader, exact: &mut bool, out: &mut Out) -> Result<(), Problem> {
    const NAMES: [&str; 4] = ["id", "crm", "organizationId", "organizationDomain"];
    read_array(r, Path::of("connections"), "an array", out, |r, path, out| {
        expect_kind(r, path, Kind::Object, "an object")?;
        let mut fields: [Option<&str>; 4] = [None; 4];
        read_object(r, path, &NAMES, exact, |r, i, _| {
            let field_path = path.field(NAMES.get(i).copied().unwrap_or(""));
            let token = match i {
                0 => id(r, field_path)?,
                1 => string(r, field_path)?,
                _ => nullable_string(r, field_path)?,
            };
            if let Some(slot) = fields.get_mut(i) {
                *slot = Some(token);
            }
            Ok(())
        })?;
        write_object(out, &NAMES, &fields);
        Ok(())
    })
}

/// Walks an array, calling `element` with each element's path; writes `[...]` around them.
#[inline(always)] // so the speed-compiled `connections` gets its own copy
fn read_array<'a, F>(r: &mut Reader<'a>, path: Path, expected: &str, out: &mut Out, mut element: F) -> Result<(), Problem>
where
    F: FnMut(&mut Reader<'a>, Path, &mut Out) -> Result<(), Problem>,
{
    expect_kind(r, path, Kind::Array, expected)?;
    r.begin_array()?;
    out.push("[");
    let mut index = 0u64;
    while r.next_element(index == 0)? {
        if index > 0 {
            out.push(",");
        }
        element(r, path.at(index), out)?;
        index += 1;
    }
    out.push("]");
    Ok(())
}

/// Walks an object whose interesting keys are `names` (documented order). Calls `field` for
/// each documented key; skips others. Clears `exact` on unknown keys, keys out of order and
/// absent keys; errors on repeated keys and on absent keys that are not nullable.
#[inline(always)] // as read_array
fn read_object<'a, F>(r: &mut Reader<'a>, path: Path, names: &[&str], exact: &mut bool, mut field: F) -> Result<(), Problem>
where
    F: FnMut(&mut Reader<'a>, usize, &mut bool) -> Result<(), Problem>,
{
    r.begin_object()?;
    let mut seen = 0u32; // bit i: names[i] seen
    let mut next_expected = 0usize;
    let mut first = true;
    while let Some(key) = r.next_key(first)? {
        first = false;
        // Documented order is the usual case: try the expected name first.
        let at = |i: usize| names.get(i).is_some_and(|n| same(n.as_bytes(), key.as_bytes()));
        match if at(next_expected) { Some(next_expected) } else { (0..names.len()).find(|&i| at(i)) } {
            Some(i) => {
                if seen & (1 << i) != 0 {
                    return Err(Problem::Invalid([path.field(key).render().as_str(), " appears twice"].concat()));
                }
                seen |= 1 << i;
                if i != next_expected {
                    *exact = false;
                }
                next_expected = i + 1;
                field(r, i, exact)?;
            }
            None => {
                *exact = false;
                r.skip_value()?;
            }
        }
    }
    for (i, name) in names.iter().enumerate() {
        if seen & (1 << i) == 0 {
            if !is_nullable(name) {
                return Err(Problem::Invalid([path.field(name).render().as_str(), " is missing"].concat()));
            }
            *exact = false;
        }
    }
    Ok(())
}

/// Byte equality without a call to `memcmp` (a byte loop at opt-level "z"): keys are short.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a.get(i) != b.get(i) {
            return false;
        }
        i += 1;
    }
    true
}

fn is_nullable(name: &str) -> bool {
    matches!(name, "email" | "organizationId" | "organizationDomain")
}

fn write_object(out: &mut Out, names: &[&str], values: &[Option<&str>]) {
    if !out.on {
        return;
    }
    out.push("{");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(",");
        }
        out.push("\"");
        out.push(name);
        out.push("\":");
        out.push(values.get(i).copied().flatten().unwrap_or("null"));
    }
    out.push("}");
}

fn expect_kind(r: &mut Reader, path: Path, want: Kind, expected: &str) -> Result<(), Problem> {
    let kind = r.peek_kind()?;
    if kind == want { Ok(()) } else { Err(wrong_type(path, expected, kind)) }
}

/// An integer literal within JavaScript's safe range. Fractions and exponents are refused even
/// when whole (`7.0`, `7e0`): ids are integers, and a server writing them otherwise is broken.
#[cfg_attr(feature = "standalone", optimize(speed))]
fn id<'a>(r: &mut Reader<'a>, path: Path) -> Result<&'a str, Problem> {
    match r.peek_kind()? {
        Kind::Number => {}
        other => return Err(wrong_type(path, "a number", other)),
    }
    let token = r.number()?;
    let digits = token.strip_prefix("-").unwrap_or(token);
    let safe = digits.bytes().all(|b| b.is_ascii_digit())
        && digits.len() <= 16
        && digits.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) <= MAX_SAFE_INTEGER;
    if safe {
        Ok(token)
    } else {
        Err(Problem::Invalid([path.render().as_str(), " is not an integer within JavaScript's safe range"].concat()))
    }
}

#[cfg_attr(feature = "standalone", optimize(speed))]
fn string<'a>(r: &mut Reader<'a>, path: Path) -> Result<&'a str, Problem> {
    match r.peek_kind()? {
        Kind::String => Ok(r.string()?),
        other => Err(wrong_type(path, "a string", other)),
    }
}

/// Documented as "string or null"; absence is handled by `read_object`.
#[cfg_attr(feature = "standalone", optimize(speed))]
fn nullable_string<'a>(r: &mut Reader<'a>, path: Path) -> Result<&'a str, Problem> {
    match r.peek_kind()? {
        Kind::String => Ok(r.string()?),
        Kind::Null => Ok(r.literal()?),
        other => Err(wrong_type(path, "a string or null", other)),
    }
}

fn scope_list(r: &mut Reader, out: &mut Out) -> Result<(), Problem> {
    read_array(r, Path::of("apiKey.scopes"), "an array of strings", out, |r, path, out| {
        out.push(string(r, path)?);
        Ok(())
    })
}

fn connection_scope<'a>(r: &mut Reader<'a>) -> Result<&'a str, Problem> {
    let token = match r.peek_kind()? {
        Kind::String => r.string()?,
        other => return Err(wrong_type(Path::of("apiKey.connectionScope"), "\"account\" or \"connection\"", other)),
    };
    match token {
        "\"account\"" | "\"connection\"" => Ok(token),
        _ => Err(Problem::Invalid("apiKey.connectionScope is neither \"account\" nor \"connection\"".into())),
    }
}

/// The `message` of an error body, cleaned for quoting: JSON bodies only (never HTML),
/// `redact` applied before anything is cut (so no part of a secret survives at the cut),
/// control characters dropped, cut to a readable length. NestJS validation errors send an
/// array of strings; they are joined.
pub fn server_message(text: &str, redact: impl FnOnce(String) -> String) -> Option<String> {
    let mut r = Reader::new(text);
    if r.peek_kind().ok()? != Kind::Object {
        return None;
    }
    r.begin_object().ok()?;
    let mut found = None;
    let mut first = true;
    while let Some(key) = r.next_key(first).ok()? {
        first = false;
        match (key, r.peek_kind().ok()?) {
            ("message", Kind::String) => found = Some(json::unescape(r.string().ok()?)),
            ("message", Kind::Array) => found = Some(string_array(&mut r)?),
            _ => r.skip_value().ok()?,
        }
    }
    r.finish().ok()?;
    text::clean(&redact(found?), MAX_SERVER_MESSAGE_CHARS)
}

fn string_array(r: &mut Reader) -> Option<String> {
    r.begin_array().ok()?;
    let mut parts: Vec<String> = Vec::new();
    let mut first = true;
    while r.next_element(first).ok()? {
        first = false;
        if r.peek_kind().ok()? == Kind::String {
            parts.push(json::unescape(r.string().ok()?));
        } else {
            r.skip_value().ok()?;
        }
    }
    let mut joined = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            joined.push_str("; ");
        }
        joined.push_str(part);
    }
    Some(joined)
}

/// What was wrong, before it becomes a user-facing error.
enum Problem {
    Syntax,
    Invalid(String),
}

impl From<SyntaxError> for Problem {
    fn from(_: SyntaxError) -> Self {
        Problem::Syntax
    }
}

impl Problem {
    fn or_not_json(self, text: &str) -> ClientError {
        let detail = match self {
            Problem::Invalid(detail) => detail,
            Problem::Syntax => not_json(text).to_owned(),
        };
        ClientError::new(ErrorCode::InvalidResponse, messages::invalid_response(&detail))
    }
}

fn wrong_type(path: Path, expected: &str, found: Kind) -> Problem {
    Problem::Invalid([path.render().as_str(), " should be ", expected, " but is ", found.article_name()].concat())
}

fn not_json(text: &str) -> &'static str {
    let start = text.trim_ascii_start();
    if start.is_empty() {
        "the body is empty"
    } else if start.starts_with("<") {
        "the body is HTML, not JSON (is the base URL pointing at a web page or a proxy?)"
    } else {
        "the body is not valid JSON"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Me;

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

    /// What JavaScript will see: the JSON that `JSON.parse` gets, read into the typed model
    /// (which refuses unknown fields).
    fn result(text: &str) -> Me {
        let json = match decode_me(text).unwrap() {
            MeJson::AsIs => text.to_owned(),
            MeJson::Normalized(json) => json,
        };
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    #[test]
    fn the_documented_example_is_parsed_as_it_is() {
        assert_eq!(decode_me(DOCUMENTED).unwrap(), MeJson::AsIs);
        let me = result(DOCUMENTED);
        assert_eq!(me.account.id, 42.0);
        assert_eq!(me.account.email.as_deref(), Some("you@company.com"));
        assert_eq!(me.api_key.scopes, ["read"]);
        assert_eq!(me.connections[0].organization_domain.as_deref(), Some("acme.com"));
    }

    #[test]
    fn absent_nullable_fields_become_null_and_unknown_fields_are_dropped() {
        let text = r#"{"account":{"id":1,"extra":{"deep":[1,{"x":null}]}},"apiKey":{"name":"k","scopes":[],"connectionScope":"connection","secret":"x"},
                       "connections":[{"id":2,"crm":"SALESFORCE","organizationId":null,"refreshToken":"t"}],"more":1}"#;
        let MeJson::Normalized(json) = decode_me(text).unwrap() else { panic!("must be normalised") };
        assert!(!json.contains("extra") && !json.contains("secret") && !json.contains("refreshToken") && !json.contains("more"));
        assert!(json.contains(r#""email":null"#) && json.contains(r#""organizationDomain":null"#), "{json}");
        let me = result(text);
        assert_eq!(me.account.email, None);
        assert_eq!(me.connections[0].organization_id, None);
        assert_eq!(me.connections[0].organization_domain, None);
    }

    #[test]
    fn fields_out_of_order_are_put_in_documented_order() {
        let text = r#"{"connections":[{"crm":"X","organizationDomain":"d","id":3,"organizationId":"o"}],"apiKey":{"connectionScope":"account","scopes":["read"],"name":"n"},"account":{"email":null,"id":1}}"#;
        let MeJson::Normalized(json) = decode_me(text).unwrap() else { panic!("must be normalised") };
        assert_eq!(
            json,
            r#"{"account":{"id":1,"email":null},"apiKey":{"name":"n","scopes":["read"],"connectionScope":"account"},"connections":[{"id":3,"crm":"X","organizationId":"o","organizationDomain":"d"}]}"#
        );
    }

    #[test]
    fn strings_keep_their_escapes_for_json_parse() {
        let text = with(r#""name": "Production""#, r#""name": "Pro\"duc\u00e9tion 漢字""#).replace(r#""id": 7, "#, r#""id": 7, "x": 1, "#);
        assert_eq!(result(&text).api_key.name, "Pro\"duc\u{e9}tion 漢字");
    }

    #[test]
    fn an_empty_connection_list_is_a_result() {
        let text = with(r#"[{"id": 7, "crm": "HUBSPOT", "organizationId": "123", "organizationDomain": "acme.com"}]"#, "[ ]");
        assert!(result(&text).connections.is_empty());
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
        assert!(detail(&format!("{DOCUMENTED} trailing")).contains("not valid JSON"));
        assert!(detail(&DOCUMENTED[..DOCUMENTED.len() / 2]).contains("not valid JSON"));
        assert!(detail("[]").contains("the body should be an object but is an array"));
    }

    #[test]
    fn server_message_comes_only_from_json_and_is_cleaned() {
        assert_eq!(server_message(r#"{"statusCode":401,"message":"Invalid API key","error":"Unauthorized"}"#, |m| m).as_deref(), Some("Invalid API key"));
        assert_eq!(server_message(r#"{"message":["a","b"]}"#, |m| m).as_deref(), Some("a; b"));
        assert_eq!(server_message(r#"{"message":"line\nbreak\u0007"}"#, |m| m).as_deref(), Some("line break"));
        assert_eq!(server_message(r#"{"message":"caf\u00e9 \"quoted\""}"#, |m| m).as_deref(), Some("café \"quoted\""));
        assert_eq!(server_message("<html>500</html>", |m| m), None);
        assert_eq!(server_message(r#"{"message":"  "}"#, |m| m), None);
        assert_eq!(server_message(r#"{"message":42}"#, |m| m), None);
        assert_eq!(server_message(r#"{"message":"x""#, |m| m), None);
        let long = server_message(&format!(r#"{{"message":"{}"}}"#, "x".repeat(1000)), |m| m).unwrap();
        assert_eq!(long.chars().count(), 301);
    }
}
