//! Whether a 200 body has exactly the documented fields: each one present, of its documented
//! kind, and nothing else. Such a body (the usual case) needs no copy: JavaScript parses the
//! body itself with `JSON.parse` and gets the same values the model would hold, in the body's
//! key order. Any other body, valid or not, is read by the model (`body.rs`).
//!
//! The check builds nothing: every field goes through one of `check.rs`'s shapes, with no
//! value kept.

use core::marker::PhantomData;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::check::{self, Each, Id, Object, Scope, Shape, WholeBody};

pub fn is_exact(bytes: &[u8]) -> bool {
    serde_json::from_slice::<WholeBody<ExactBody>>(bytes).is_ok()
}

/// The exact-fields check of a 200 body. The fields are never read: deserializing is the check.
#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExactBody {
    #[serde(deserialize_with = "check::object")]
    account: ExactAccount,
    #[serde(deserialize_with = "check::object")]
    api_key: ExactApiKey,
    connections: Valid<Each<Object<ExactConnection>>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExactAccount {
    id: Valid<Id>,
    email: Valid<StringOrNull>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExactApiKey {
    name: Valid<AString>,
    scopes: Valid<Each<AString>>,
    connection_scope: Valid<Scope>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExactConnection {
    id: Valid<Id>,
    crm: Valid<AString>,
    organization_id: Valid<StringOrNull>,
    organization_domain: Valid<StringOrNull>,
}

/// A value that passed the shape `S`'s check.
struct Valid<S>(PhantomData<S>);

impl<'de, S: Shape<'de>> Deserialize<'de> for Valid<S> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        check::read::<S, D>(d).map(|_| Valid(PhantomData))
    }
}

struct AString;

impl<'de> Shape<'de> for AString {
    const EXPECTED: &'static str = "a string";

    fn string<E: de::Error>(_: &str) -> Result<Self, E> {
        Ok(AString)
    }
}

/// Present, as a string or `null` (an absent nullable field makes a body not exact).
struct StringOrNull;

impl<'de> Shape<'de> for StringOrNull {
    const EXPECTED: &'static str = "a string or null";

    fn string<E: de::Error>(_: &str) -> Result<Self, E> {
        Ok(StringOrNull)
    }
    fn null<E: de::Error>() -> Result<Self, E> {
        Ok(StringOrNull)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXACT: &str = r#"{"account":{"id":42,"email":null},"apiKey":{"name":"P","scopes":["read"],"connectionScope":"account"},
        "connections":[{"id":7,"crm":"HUBSPOT","organizationId":"1","organizationDomain":null}]}"#;

    #[test]
    fn the_documented_shape_with_every_field_is_exact_in_any_key_order() {
        assert!(is_exact(EXACT.as_bytes()));
        let reordered = r#"{"connections":[],"apiKey":{"connectionScope":"connection","scopes":[],"name":"P"},"account":{"email":"a@b.c","id":-1}}"#;
        assert!(is_exact(reordered.as_bytes()));
    }

    #[test]
    fn extra_absent_repeated_or_wrong_fields_are_not() {
        for (from, to) in [
            (r#""email":null"#, r#""email":null,"extra":1"#),
            (r#","email":null"#, ""),
            (r#""organizationDomain":null"#, r#""organizationDomain":null,"organizationDomain":null"#),
            (r#""id":42"#, r#""id":42.0"#),
            (r#""id":42"#, r#""id":9007199254740992"#),
            (r#""scopes":["read"]"#, r#""scopes":[1]"#),
            (r#""connectionScope":"account""#, r#""connectionScope":"team""#),
            (r#""account":{"id":42,"email":null}"#, r#""account":[42,null]"#),
            (r#""connections":["#, r#""connections":[[7,"HUBSPOT","1",null],"#),
        ] {
            assert!(EXACT.contains(from), "{from}");
            assert!(!is_exact(EXACT.replace(from, to).as_bytes()), "{to}");
        }
        assert!(!is_exact(format!("{EXACT} x").as_bytes()));
        assert!(!is_exact(b"[]"));
    }
}
