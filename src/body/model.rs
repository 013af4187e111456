//! The documented `/me` result, as serde types. Bodies are read into these
//! (`body/mod.rs`); results cross to JavaScript from them (serde-wasm-bindgen), and the result
//! types of the package's `index.d.ts` are generated from them (tsify).
//!
//! Reading is strict about kinds and lenient about extras, as the contract says: every field
//! goes through a check in `check.rs` or `scalar.rs` that names what it expected and what it found; unknown
//! fields are dropped, and absent nullable fields (`Option`, which serde reads as `None` when
//! absent) become `null`.

use serde::{Deserialize, Serialize};
#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

use super::check;
use super::scalar::{self, NullableString};

/// What `GET /api/v1/me` answers: the account, the key's metadata and the CRM connections the
/// key can reach.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct OutboundSyncMe {
    #[serde(deserialize_with = "check::object")]
    pub account: Account,
    #[serde(deserialize_with = "check::object")]
    pub api_key: ApiKeyInfo,
    #[serde(deserialize_with = "check::objects")]
    pub connections: Vec<Connection>,
}

/// The OutboundSync account that owns the key.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct Account {
    /// OutboundSync account owner ID for the API key.
    #[serde(deserialize_with = "scalar::id")]
    pub id: i64,
    /// Account owner email, when available.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub email: Option<NullableString>,
}

/// The key's metadata (never the key itself).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyInfo {
    /// The key name shown in the OutboundSync admin app.
    #[serde(deserialize_with = "scalar::string")]
    pub name: String,
    /// Current key scopes. New v1 keys use ["read"].
    #[serde(deserialize_with = "scalar::strings")]
    pub scopes: Vec<String>,
    /// Whether the key is account-wide or scoped to one CRM connection.
    #[serde(deserialize_with = "connection_scope")]
    pub connection_scope: ConnectionScope,
}

fn connection_scope<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ConnectionScope, D::Error> {
    let choices = [("account", ConnectionScope::Account), ("connection", ConnectionScope::Connection)];
    scalar::choice(d, &choices, "\"account\" or \"connection\"", "is neither \"account\" nor \"connection\"")
}

/// `account`: every connection with API access enabled; `connection`: one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "lowercase")]
pub enum ConnectionScope {
    Account,
    Connection,
}

/// A CRM connection the key can reach.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// OutboundSync connection ID.
    #[serde(deserialize_with = "scalar::id")]
    pub id: i64,
    /// CRM profile for the connection, such as HUBSPOT or SALESFORCE.
    #[serde(deserialize_with = "scalar::string")]
    pub crm: String,
    /// CRM organization ID, when OutboundSync has one.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub organization_id: Option<NullableString>,
    /// CRM organization domain, when OutboundSync has one.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub organization_domain: Option<NullableString>,
}
