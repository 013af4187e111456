//! The documented `/me` result, field for field. These are the shapes users receive
//! (camelCase, absent nullable fields as `null`, unknown fields dropped).

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub account: Account,
    pub api_key: ApiKeyInfo,
    pub connections: Vec<Connection>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Account {
    /// A JS number: ids are checked to be integers within JavaScript's safe range.
    pub id: f64,
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyInfo {
    pub name: String,
    pub scopes: Vec<String>,
    pub connection_scope: ConnectionScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionScope {
    Account,
    Connection,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub id: f64,
    pub crm: String,
    pub organization_id: Option<String>,
    pub organization_domain: Option<String>,
}
