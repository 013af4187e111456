//! Which store a `cacheStore` is, by the methods it has, and how it is used: each only as its
//! own contract says. Keyv (any adapter), cache-manager and objects written for this package
//! take `set(key, value, ttlMs)`; a Cloudflare KV namespace `put(key, value, { expirationTtl })`;
//! lru-cache `set(key, value, { ttl })`; unstorage `setItem(key, value, { ttl })` in seconds.
//! Raw clients whose `set` would ignore a TTL passed our way (ioredis and node-redis write
//! entries that never expire, or fail), Deno KV (keys are arrays) and a `Map` (which keeps
//! every entry until deleted) are refused with the one-line adapter that fits.

/// How the boundary drives a store it accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Driver {
    /// `get(key)`, `set(key, value, ttlMs)`.
    GetSet,
    /// `get(key)`, `put(key, value, { expirationTtl })` in whole seconds, at least 60.
    Kv,
    /// lru-cache: `get(key)`, `set(key, value, { ttl })` in milliseconds.
    Lru,
    /// unstorage: `getItem(key)`, `setItem(key, value, { ttl })` in whole seconds.
    Unstorage,
}

/// What a `cacheStore` is.
#[derive(Clone, Debug, PartialEq)]
pub enum Recognised {
    Use(Driver),
    /// A client this package knows but cannot use as it is: the message says what to pass.
    Refused(String),
    /// None of the known shapes; `config` says which method is missing.
    WithoutGet,
    WithoutSet,
}

/// `has(name)`: the object has a property of that name (own or inherited), which is how clients
/// are told apart; `method(name)`: that property is a function, which is what a store is called
/// through; `is_map`: it is a `Map`.
pub fn recognise(has: impl Fn(&str) -> bool, method: impl Fn(&str) -> bool, is_map: bool) -> Recognised {
    let refused = |client: &str, why: &str, adapter: &str| {
        Recognised::Refused(format!(
            "The cacheStore option got {client}, which {why}. Pass this adapter instead: {adapter} (or a Keyv instance, which any Keyv adapter backs)."
        ))
    };
    if is_map {
        return refused(
            "a Map",
            "keeps every entry until it is deleted, so every key's result would stay in memory for good",
            "new LRUCache({ max: 1000, ttlAutopurge: true }) from lru-cache, which is given each entry's TTL and deletes it when it expires",
        );
    }
    if has("defineCommand") && has("pipeline") {
        return refused(
            "an ioredis client",
            "takes a TTL as set(key, value, 'PX', ttlMs), not as a third argument",
            "{ get: (k) => redis.get(k), set: (k, v, ttlMs) => redis.set(k, v, 'PX', ttlMs) }",
        );
    }
    if has("sendCommand") && has("isOpen") {
        return refused(
            "a node-redis client",
            "takes a TTL as set(key, value, { PX: ttlMs }), not as a third argument",
            "{ get: (k) => client.get(k), set: (k, v, ttlMs) => client.set(k, v, { PX: ttlMs }) }",
        );
    }
    if has("atomic") && has("enqueue") && has("listenQueue") {
        return refused(
            "a Deno KV store",
            "takes keys as arrays and a TTL as { expireIn }",
            "{ get: async (k) => (await kv.get([k])).value, set: (k, v, ttlMs) => kv.set([k], v, { expireIn: ttlMs }) }",
        );
    }
    if method("getItem") && method("setItem") && has("getMount") {
        return Recognised::Use(Driver::Unstorage);
    }
    if has("getRemainingTTL") && has("purgeStale") && method("get") && method("set") {
        return Recognised::Use(Driver::Lru);
    }
    match (method("get"), method("set"), method("put")) {
        (true, true, _) => Recognised::Use(Driver::GetSet),
        (true, false, true) => Recognised::Use(Driver::Kv),
        (false, _, _) => Recognised::WithoutGet,
        (true, false, false) => Recognised::WithoutSet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<'a>(names: &'a [&'a str]) -> impl Fn(&str) -> bool + 'a {
        move |name| names.contains(&name)
    }

    /// An object whose properties of these names are all methods.
    fn recognise_with(names: &[&str], is_map: bool) -> Recognised {
        recognise(with(names), with(names), is_map)
    }

    #[test]
    fn stores_used_as_they_are() {
        // Keyv and cache-manager: get and set (ttl in ms); KV: get and put.
        assert_eq!(recognise_with(&["get", "set", "delete", "opts"], false), Recognised::Use(Driver::GetSet));
        assert_eq!(recognise_with(&["get", "set", "del", "wrap", "stores"], false), Recognised::Use(Driver::GetSet));
        assert_eq!(recognise_with(&["get", "put", "delete", "list", "getWithMetadata"], false), Recognised::Use(Driver::Kv));
        assert_eq!(recognise_with(&["get", "set", "getRemainingTTL", "purgeStale"], false), Recognised::Use(Driver::Lru));
        assert_eq!(recognise_with(&["getItem", "setItem", "getMount", "get", "set"], false), Recognised::Use(Driver::Unstorage));
        assert_eq!(recognise_with(&["set"], false), Recognised::WithoutGet);
        assert_eq!(recognise_with(&["get"], false), Recognised::WithoutSet);
        // A property that is not a function is no method: `{ get: 1, set() {} }` has no get.
        assert_eq!(recognise(with(&["get", "set"]), with(&["set"]), false), Recognised::WithoutGet);
        assert_eq!(recognise(with(&["get", "put"]), with(&["get"]), false), Recognised::WithoutSet);
    }

    #[test]
    fn raw_clients_are_refused_with_the_adapter_that_fits() {
        let message = |names: &[&str], is_map| match recognise_with(names, is_map) {
            Recognised::Refused(message) => message,
            other => panic!("{other:?}"),
        };
        let ioredis = message(&["get", "set", "defineCommand", "pipeline", "sendCommand"], false);
        assert!(ioredis.contains("an ioredis client") && ioredis.contains("redis.set(k, v, 'PX', ttlMs)"), "{ioredis}");
        let node_redis = message(&["get", "set", "sendCommand", "isOpen", "SET"], false);
        assert!(node_redis.contains("a node-redis client") && node_redis.contains("client.set(k, v, { PX: ttlMs })"), "{node_redis}");
        let deno = message(&["get", "set", "atomic", "enqueue", "listenQueue"], false);
        assert!(deno.contains("Deno KV") && deno.contains("expireIn: ttlMs"), "{deno}");
        let map = message(&["get", "set", "delete"], true);
        assert!(map.contains("a Map") && map.contains("ttlAutopurge: true"), "{map}");
        for m in [ioredis, node_redis, deno, map] {
            assert!(m.starts_with("The cacheStore option got ") && m.ends_with("(or a Keyv instance, which any Keyv adapter backs)."), "{m}");
        }
    }
}
