//! The documented `/me` result, field for field, as typed serde structs. The package builds
//! results with one `JSON.parse` of text from `body::decode_me`; native tests read that text
//! into these types, which refuse unknown fields, so the contract is checked in Rust.

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Me {
    pub account: Account,
    pub api_key: ApiKeyInfo,
    pub connections: Vec<Connection>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: f64,
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyInfo {
    pub name: String,
    pub scopes: Vec<String>,
    pub connection_scope: ConnectionScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionScope {
    Account,
    Connection,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Connection {
    pub id: f64,
    pub crm: String,
    pub organization_id: Option<String>,
    pub organization_domain: Option<String>,
}
