//! The package contract, exercised through the exported functions against the local API double
//! (tests/support/double.mjs). Runs under Node and in headless browsers: scripts/with-double.sh
//! (which `make test-node`, `test-chrome` and `test-firefox` use) starts the double and sets
//! OUTBOUNDSYNC_TEST_BASE_URL when compiling these tests; without it every test stops at once,
//! saying so.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use js_sys::{Array, Function, Object, Promise, Reflect};
use outboundsync::exports::{error_class, get_outbound_sync_connections, get_outbound_sync_me};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

/// The double's URL, as scripts/with-double.sh exported it when these tests were compiled.
fn base() -> &'static str {
    match option_env!("OUTBOUNDSYNC_TEST_BASE_URL") {
        Some(url) => url,
        None => panic!("OUTBOUNDSYNC_TEST_BASE_URL was not set when these tests were compiled: start the double, e.g. `scripts/with-double.sh wasm-pack test --node` (or `make test-node`)"),
    }
}
const ACCOUNT_WIDE: &str = "osapi_test_account_wide";
const CONNECTION_SCOPED: &str = "osapi_test_connection_scoped";
const API_DISABLED: &str = "osapi_test_api_disabled";
const REVOKED: &str = "osapi_test_revoked_key_9999";

// ---- helpers -------------------------------------------------------------------------------

thread_local!(static SCENARIO: Cell<u32> = const { Cell::new(0) });

/// A base URL whose requests the double answers with `steps`, and the scenario id to count them.
fn scenario(steps: &str) -> (String, String) {
    let n = SCENARIO.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let id = format!("{}-{}-{}", runtime_name(), n, (js_sys::Math::random() * 1e9) as u64);
    (format!("{}/__scenario/{id}/{steps}", base()), id)
}

fn global() -> JsValue {
    js_sys::global().into()
}

fn get(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &name.into()).unwrap()
}

fn is_browser_page() -> bool {
    !get(&global(), "document").is_undefined()
}

fn runtime_name() -> &'static str {
    if is_browser_page() {
        "browser"
    } else {
        "node"
    }
}

/// Options with `dangerouslyAllowBrowser` set, so the same test runs in a page and in Node.
fn options(key: &str, base_url: &str, extra: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&o, &k.into(), &v).unwrap();
    set("apiKey", key.into());
    set("baseUrl", base_url.into());
    set("dangerouslyAllowBrowser", true.into());
    for (k, v) in extra {
        set(k, v.clone());
    }
    o.into()
}

async fn count(id: &str) -> f64 {
    let fetch: Function = get(&global(), "fetch").dyn_into().unwrap();
    let response =
        JsFuture::from(fetch.call1(&global(), &format!("{}/__double/count/{id}", base()).into()).unwrap().unchecked_into::<Promise>()).await.unwrap();
    let json: Function = get(&response, "json").dyn_into().unwrap();
    let body = JsFuture::from(json.call0(&response).unwrap().unchecked_into::<Promise>()).await.unwrap();
    get(&body, "count").as_f64().unwrap()
}

async fn sleep(ms: i32) {
    let p = Promise::new(&mut |resolve, _| {
        let set_timeout: Function = get(&global(), "setTimeout").dyn_into().unwrap();
        set_timeout.call2(&JsValue::UNDEFINED, &resolve, &ms.into()).unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

fn js(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

fn str_field(v: &JsValue, name: &str) -> Option<String> {
    get(v, name).as_string()
}

fn num_field(v: &JsValue, name: &str) -> Option<f64> {
    get(v, name).as_f64()
}

/// The rejection is an instance of `class` (and of OutboundSyncError and Error), with that
/// `name` and `code`, and exposes no trace of `key` anywhere a user could print it.
fn assert_error(err: &JsValue, class: &str, code: &str, key: Option<&str>) {
    for cls in [class, "OutboundSyncError"] {
        let proto = get(&error_class(cls), "prototype");
        assert!(proto.unchecked_ref::<Object>().is_prototype_of(err), "not an instance of {cls}: {}", describe(err));
    }
    assert!(err.is_instance_of::<js_sys::Error>(), "not an Error");
    assert_eq!(str_field(err, "name").as_deref(), Some(class), "{}", describe(err));
    assert_eq!(str_field(err, "code").as_deref(), Some(code), "{}", describe(err));
    let message = str_field(err, "message").unwrap();
    assert!(message.len() > 20, "message too short: {message}");
    if let Some(key) = key {
        let shown = js(
            "e",
            "return [String(e), JSON.stringify(e), String(e.stack), e.message, JSON.stringify(Object.entries(e)), JSON.stringify(e.cause ?? null)].join('\\n')",
        )
        .call1(&JsValue::UNDEFINED, err)
        .unwrap()
        .as_string()
        .unwrap();
        assert!(!shown.contains(key), "the key leaked: {shown}");
    }
}

fn describe(v: &JsValue) -> String {
    js("e", "try { return String(e) + ' ' + JSON.stringify(e) } catch (x) { return String(e) }")
        .call1(&JsValue::UNDEFINED, v)
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

async fn me(opts: JsValue) -> Result<JsValue, JsValue> {
    get_outbound_sync_me(opts).await
}

async fn me_err(opts: JsValue) -> JsValue {
    match me(opts).await {
        Ok(v) => panic!("expected a rejection, got {}", describe(&v)),
        Err(e) => e,
    }
}

fn keys_of(v: &JsValue) -> Vec<String> {
    Object::keys(v.unchecked_ref::<Object>()).iter().map(|k| k.as_string().unwrap()).collect()
}

fn env() -> Option<JsValue> {
    let process = get(&global(), "process");
    (!process.is_undefined()).then(|| get(&process, "env"))
}

// ---- results -------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn account_wide_key_returns_the_documented_shape() {
    let result = me(options(ACCOUNT_WIDE, base(), &[])).await.unwrap();
    assert_eq!(keys_of(&result), ["account", "apiKey", "connections"]);
    let account = get(&result, "account");
    assert_eq!(keys_of(&account), ["id", "email"]);
    assert_eq!(num_field(&account, "id"), Some(42.0));
    assert_eq!(str_field(&account, "email").as_deref(), Some("you@company.com"));
    let api_key = get(&result, "apiKey");
    assert_eq!(keys_of(&api_key), ["name", "scopes", "connectionScope"]);
    assert_eq!(str_field(&api_key, "connectionScope").as_deref(), Some("account"));
    let scopes: Array = get(&api_key, "scopes").dyn_into().unwrap();
    assert_eq!(scopes.to_vec().iter().map(|s| s.as_string().unwrap()).collect::<Vec<_>>(), ["read"]);
    let connections: Array = get(&result, "connections").dyn_into().unwrap();
    assert_eq!(connections.length(), 3);
    let first = connections.get(0);
    assert_eq!(keys_of(&first), ["id", "crm", "organizationId", "organizationDomain"]);
    assert_eq!(num_field(&first, "id"), Some(7.0));
    assert_eq!(str_field(&first, "crm").as_deref(), Some("HUBSPOT"));
    let third = connections.get(2);
    assert!(get(&third, "organizationId").is_null());
    assert!(get(&third, "organizationDomain").is_null());
    // Plain objects, not class instances.
    assert_eq!(Object::get_prototype_of(&first), Object::get_prototype_of(&Object::new()));
}

#[wasm_bindgen_test]
async fn connections_returns_the_array_a_connection_scoped_key_can_reach() {
    let list: Array = get_outbound_sync_connections(options(CONNECTION_SCOPED, base(), &[])).await.unwrap().dyn_into().unwrap();
    assert_eq!(list.length(), 1);
    assert_eq!(num_field(&list.get(0), "id"), Some(8.0));
    assert_eq!(str_field(&list.get(0), "crm").as_deref(), Some("SALESFORCE"));
}

#[wasm_bindgen_test]
async fn an_empty_connection_list_is_a_result() {
    let (base, _) = scenario("200:body=empty");
    let list: Array = get_outbound_sync_connections(options(ACCOUNT_WIDE, &base, &[])).await.unwrap().dyn_into().unwrap();
    assert_eq!(list.length(), 0);
}

#[wasm_bindgen_test]
async fn unknown_fields_are_dropped_and_absent_nullable_fields_become_null() {
    let (base, _) = scenario("200:body=extra");
    let result = me(options(ACCOUNT_WIDE, &base, &[])).await.unwrap();
    assert_eq!(keys_of(&result), ["account", "apiKey", "connections"]);
    assert_eq!(keys_of(&get(&result, "account")), ["id", "email"]);
    assert!(get(&get(&result, "account"), "email").is_null());
    let first = get(&get(&result, "connections"), "0");
    assert_eq!(keys_of(&first), ["id", "crm", "organizationId", "organizationDomain"]);
    assert!(get(&first, "organizationDomain").is_null());
}

#[wasm_bindgen_test]
async fn the_request_is_a_bare_get_with_bearer_and_accept_headers() {
    // A recording fetch: what the client hands to fetch is what workerd and Vercel Edge accept.
    let recorder = js("", "const f = (url, init) => { f.calls.push({ url, init }); return fetch(url, init); }; f.calls = []; return f;")
        .call0(&JsValue::UNDEFINED)
        .unwrap();
    let result = me(options(&format!("  {ACCOUNT_WIDE}\n"), base(), &[("fetch", recorder.clone())])).await;
    assert!(result.is_ok());
    let call = get(&get(&recorder, "calls"), "0");
    assert_eq!(str_field(&call, "url"), Some(format!("{}/api/v1/me", base())));
    let init = get(&call, "init");
    let mut init_keys = keys_of(&init);
    init_keys.sort();
    assert_eq!(init_keys, ["headers", "method", "redirect", "signal"]);
    assert_eq!(str_field(&init, "method").as_deref(), Some("GET"));
    assert_eq!(str_field(&init, "redirect").as_deref(), Some("manual"));
    let headers = get(&init, "headers");
    assert_eq!(str_field(&headers, "Authorization"), Some(format!("Bearer {ACCOUNT_WIDE}")));
    assert_eq!(str_field(&headers, "Accept").as_deref(), Some("application/json"));
}

#[wasm_bindgen_test]
async fn key_and_base_url_are_read_from_the_environment_in_node() {
    let Some(env) = env() else { return };
    Reflect::set(&env, &"OUTBOUNDSYNC_API_KEY".into(), &format!("{CONNECTION_SCOPED}\n").into()).unwrap();
    Reflect::set(&env, &"OUTBOUNDSYNC_BASE_URL".into(), &base().into()).unwrap();
    let list = get_outbound_sync_connections(JsValue::UNDEFINED).await;
    let by_key = get_outbound_sync_connections(ACCOUNT_WIDE.into()).await;
    Reflect::delete_property(env.unchecked_ref::<Object>(), &"OUTBOUNDSYNC_API_KEY".into()).unwrap();
    let missing = get_outbound_sync_connections(JsValue::UNDEFINED).await;
    Reflect::delete_property(env.unchecked_ref::<Object>(), &"OUTBOUNDSYNC_BASE_URL".into()).unwrap();
    assert_eq!(list.unwrap().unchecked_into::<Array>().length(), 1);
    assert_eq!(by_key.unwrap().unchecked_into::<Array>().length(), 3);
    let err = missing.unwrap_err();
    assert_error(&err, "OutboundSyncConfigError", "missing_api_key", None);
    assert!(str_field(&err, "message").unwrap().contains("OUTBOUNDSYNC_API_KEY"));
}

// ---- configuration errors: before any request ----------------------------------------------

#[wasm_bindgen_test]
async fn config_errors_make_no_request() {
    let (base, id) = scenario("ok");
    let cases: [(JsValue, &str); 7] = [
        (options("", &base, &[]), "missing_api_key"),
        (options("osapi_test_ab cd", &base, &[]), "malformed_api_key"),
        (options("osapi_test_\u{0}x", &base, &[]), "malformed_api_key"),
        (options(ACCOUNT_WIDE, "http://app.outboundsync.com", &[]), "insecure_base_url"),
        (options(ACCOUNT_WIDE, &base, &[("timeoutMs", "soon".into())]), "invalid_option"),
        (options(ACCOUNT_WIDE, &base, &[("fetch", 42.into())]), "invalid_option"),
        (options(ACCOUNT_WIDE, &base, &[("signal", "stop".into())]), "invalid_option"),
    ];
    for (opts, code) in cases {
        let err = me_err(opts).await;
        assert_error(&err, "OutboundSyncConfigError", code, Some("osapi_test_ab"));
        assert_eq!(num_field(&err, "attempts"), Some(0.0));
        assert_eq!(get(&err, "retryable").as_bool(), Some(false));
    }
    let err = get_outbound_sync_me(JsValue::from(7)).await.unwrap_err();
    assert_error(&err, "OutboundSyncConfigError", "invalid_option", None);
    assert_eq!(count(&id).await, 0.0);
}

#[wasm_bindgen_test]
async fn unknown_option_names_are_refused_before_any_request() {
    let (base, id) = scenario("ok");
    for (name, right) in
        [("baseURL", Some("baseUrl")), ("timeout", Some("timeoutMs")), ("retries", Some("maxRetries")), ("apikey", Some("apiKey")), ("colour", None)]
    {
        let err = me_err(options(ACCOUNT_WIDE, &base, &[(name, JsValue::from(1))])).await;
        assert_error(&err, "OutboundSyncConfigError", "invalid_option", Some(ACCOUNT_WIDE));
        let message = str_field(&err, "message").unwrap();
        assert!(message.contains(&format!("\"{name}\"")), "{message}");
        if let Some(right) = right {
            assert!(message.contains(&format!("did you mean {right}?")), "{message}");
        }
    }
    assert_eq!(count(&id).await, 0.0);
    // A name whose value is undefined counts as not given.
    assert!(me(options(ACCOUNT_WIDE, &base, &[("baseURL", JsValue::UNDEFINED)])).await.is_ok());
    assert_eq!(count(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn browser_pages_need_dangerously_allow_browser() {
    let opts = options(ACCOUNT_WIDE, base(), &[("dangerouslyAllowBrowser", JsValue::UNDEFINED)]);
    let result = me(opts).await;
    if is_browser_page() {
        assert_error(&result.unwrap_err(), "OutboundSyncConfigError", "browser_disallowed", Some(ACCOUNT_WIDE));
    } else {
        assert!(result.is_ok(), "server runtimes are not refused");
    }
}

// ---- HTTP errors ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn invalid_key_is_an_authentication_error_and_is_not_retried() {
    let (base, id) = scenario("ok");
    let err = me_err(options(REVOKED, &base, &[])).await;
    assert_error(&err, "OutboundSyncAuthenticationError", "unauthorized", Some(REVOKED));
    assert_eq!(num_field(&err, "status"), Some(401.0));
    assert_eq!(str_field(&err, "serverMessage").as_deref(), Some("Invalid API key"));
    assert_eq!(str_field(&err, "keyHint").as_deref(), Some("osapi_…9999"));
    assert!(str_field(&err, "requestId").unwrap().starts_with("req_double_"));
    assert_eq!(num_field(&err, "attempts"), Some(1.0));
    assert!(!str_field(&err, "message").unwrap().contains("platform key"));
    assert_eq!(count(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn a_key_without_the_osapi_prefix_is_flagged_as_a_possible_platform_key() {
    let platform = "sl_test_platform_key_1234";
    let err = me_err(options(platform, base(), &[])).await;
    assert_error(&err, "OutboundSyncAuthenticationError", "unauthorized", Some(platform));
    let message = str_field(&err, "message").unwrap();
    assert!(message.contains("platform key") && message.contains("Smartlead"), "{message}");
    assert_eq!(get(&err, "maybePlatformKey").as_bool(), Some(true), "the fact the command's advice reads");
}

#[wasm_bindgen_test]
async fn api_access_disabled_is_a_permission_error() {
    let err = me_err(options(API_DISABLED, base(), &[])).await;
    assert_error(&err, "OutboundSyncPermissionError", "api_access_disabled", Some(API_DISABLED));
    assert_eq!(num_field(&err, "status"), Some(403.0));
    assert!(str_field(&err, "message").unwrap().contains("admin must enable API access"));
    assert_eq!(num_field(&err, "attempts"), Some(1.0));
}

#[wasm_bindgen_test]
async fn rate_limits_are_retried_after_the_servers_retry_after() {
    let (base, id) = scenario("429:ra=1,ok");
    assert!(me(options(ACCOUNT_WIDE, &base, &[])).await.is_ok());
    assert_eq!(count(&id).await, 2.0);
}

#[wasm_bindgen_test]
async fn rate_limit_error_after_retries_says_when_to_retry() {
    let (base, id) = scenario("429:ra=1");
    let err = me_err(options(ACCOUNT_WIDE, &base, &[("maxRetries", 1.into())])).await;
    assert_error(&err, "OutboundSyncRateLimitError", "rate_limited", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&err, "retryAfter"), Some(1.0));
    assert_eq!(num_field(&err, "attempts"), Some(2.0));
    assert_eq!(get(&err, "retryable").as_bool(), Some(true));
    assert_eq!(str_field(&err, "serverMessage").as_deref(), Some("ThrottlerException: Too Many Requests"));
    assert!(str_field(&err, "message").unwrap().contains("Retry after 1 second"));
    assert_eq!(count(&id).await, 2.0);
}

#[wasm_bindgen_test]
async fn retry_after_as_an_http_date_is_honoured() {
    let (base, id) = scenario("429:radate=1,ok");
    assert!(me(options(ACCOUNT_WIDE, &base, &[])).await.is_ok());
    assert_eq!(count(&id).await, 2.0);
}

#[wasm_bindgen_test]
async fn a_retry_after_over_sixty_seconds_fails_at_once() {
    let (base, id) = scenario("429:ra=120");
    let err = me_err(options(ACCOUNT_WIDE, &base, &[])).await;
    assert_error(&err, "OutboundSyncRateLimitError", "rate_limited", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&err, "retryAfter"), Some(120.0));
    assert_eq!(num_field(&err, "attempts"), Some(1.0));
    assert_eq!(count(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn server_errors_are_retried_then_reported_without_html() {
    let (base, id) = scenario("502:html");
    let err = me_err(options(ACCOUNT_WIDE, &base, &[])).await;
    assert_error(&err, "OutboundSyncServerError", "server_error", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&err, "status"), Some(502.0));
    assert_eq!(num_field(&err, "attempts"), Some(3.0), "default maxRetries is 2");
    let message = str_field(&err, "message").unwrap();
    assert!(!message.contains('<') && !message.contains("Bad Gateway</h1>"), "{message}");
    assert!(get(&err, "serverMessage").is_undefined());
    assert_eq!(count(&id).await, 3.0);
}

#[wasm_bindgen_test]
async fn a_server_error_followed_by_success_succeeds() {
    let (base, id) = scenario("503:empty,500,ok");
    assert!(me(options(ACCOUNT_WIDE, &base, &[])).await.is_ok());
    assert_eq!(count(&id).await, 3.0);
}

#[wasm_bindgen_test]
async fn max_retries_zero_makes_one_attempt() {
    let (base, id) = scenario("500");
    let err = me_err(options(ACCOUNT_WIDE, &base, &[("maxRetries", 0.into())])).await;
    assert_error(&err, "OutboundSyncServerError", "server_error", Some(ACCOUNT_WIDE));
    assert_eq!(str_field(&err, "serverMessage").as_deref(), Some("Internal Server Error"));
    assert_eq!(count(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn other_statuses_are_unexpected_and_not_retried() {
    let (base, id) = scenario("404");
    let err = me_err(options(ACCOUNT_WIDE, &base, &[])).await;
    assert_error(&err, "OutboundSyncResponseError", "unexpected_status", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&err, "status"), Some(404.0));
    assert_eq!(count(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn redirects_are_never_followed() {
    let (target, target_id) = scenario("ok");
    let (base, id) = scenario(&format!("301:loc={}", js_sys::encode_uri_component(&format!("{target}/api/v1/me"))));
    let err = me_err(options(ACCOUNT_WIDE, &base, &[])).await;
    assert_error(&err, "OutboundSyncResponseError", "unexpected_redirect", Some(ACCOUNT_WIDE));
    // Node reports the real status; browsers only an opaque redirect.
    let status = get(&err, "status");
    assert!(status.as_f64() == Some(301.0) || (is_browser_page() && status.is_undefined()), "{}", describe(&status));
    assert_eq!(count(&id).await, 1.0);
    assert_eq!(count(&target_id).await, 0.0, "the redirect target was requested");
}

#[wasm_bindgen_test]
async fn a_200_that_is_not_the_documented_json_is_an_invalid_response() {
    for (steps, detail) in [
        ("200:body=html", "HTML"),
        ("200:body=badid3", "connections[3].id"),
        ("200:body=nullconnections", "connections should be an array"),
        ("200:body=truncated", "not valid JSON"),
    ] {
        let (base, id) = scenario(steps);
        let err = me_err(options(ACCOUNT_WIDE, &base, &[])).await;
        assert_error(&err, "OutboundSyncResponseError", "invalid_response", Some(ACCOUNT_WIDE));
        let message = str_field(&err, "message").unwrap();
        assert!(message.contains(detail), "{steps}: {message}");
        let problem = str_field(&err, "problem").unwrap_or_default();
        assert!(problem.contains(detail) && message.ends_with(&format!(" JSON: {problem}.")), "{steps}: {problem}");
        assert_eq!(count(&id).await, 1.0, "{steps} was retried");
    }
}

// ---- transport failures --------------------------------------------------------------------

#[wasm_bindgen_test]
async fn a_dropped_connection_is_a_connection_error_with_its_cause() {
    let (base, id) = scenario("reset");
    let err = me_err(options(ACCOUNT_WIDE, &base, &[("maxRetries", 1.into())])).await;
    assert_error(&err, "OutboundSyncConnectionError", "network_error", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&err, "attempts"), Some(2.0));
    assert!(!get(&err, "cause").is_undefined(), "the fetch error is kept as cause");
    // Chromium's network stack silently resends a GET whose connection was reset, so a
    // browser may show the server more requests than the client made attempts.
    let seen = count(&id).await;
    assert!(seen == 2.0 || (is_browser_page() && seen >= 2.0), "server saw {seen}");
}

#[wasm_bindgen_test]
async fn a_network_error_followed_by_success_succeeds() {
    let (base, _) = scenario("reset,ok");
    assert!(me(options(ACCOUNT_WIDE, &base, &[])).await.is_ok());
}

#[wasm_bindgen_test]
async fn headers_that_never_come_time_out_per_attempt() {
    let (base, id) = scenario("hang");
    let err = me_err(options(ACCOUNT_WIDE, &base, &[("timeoutMs", 300.into()), ("maxRetries", 1.into())])).await;
    assert_error(&err, "OutboundSyncTimeoutError", "timeout", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&err, "attempts"), Some(2.0));
    assert!(str_field(&err, "message").unwrap().contains("300 ms"));
    assert_eq!(count(&id).await, 2.0);
}

#[wasm_bindgen_test]
async fn a_body_that_never_ends_times_out() {
    let (base, _) = scenario("stall");
    let err = me_err(options(ACCOUNT_WIDE, &base, &[("timeoutMs", 300.into()), ("maxRetries", 0.into())])).await;
    assert_error(&err, "OutboundSyncTimeoutError", "timeout", Some(ACCOUNT_WIDE));
}

#[wasm_bindgen_test]
async fn the_callers_signal_aborts_a_request_in_flight() {
    // The double never answers; the signal fires once the double has seen the request. A call
    // the signal did not stop would end in a timeout (30 s) instead.
    let (base, id) = scenario("hang");
    let controller = web_sys::AbortController::new().unwrap();
    let call = me(options(ACCOUNT_WIDE, &base, &[("signal", controller.signal().into())]));
    let abort_once_seen = async {
        while count(&id).await < 1.0 {
            sleep(10).await;
        }
        controller.abort();
    };
    let (result, ()) = futures_join(call, abort_once_seen).await;
    let err = result.unwrap_err();
    assert_error(&err, "OutboundSyncAbortError", "aborted", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&err, "attempts"), Some(1.0));
}

#[wasm_bindgen_test]
async fn the_callers_signal_cancels_the_wait_between_retries() {
    // The signal fires from the logger's warn line, which is written when the 429 has arrived
    // and the 30 s wait begins; a call that waited it out would have sent a second request.
    let (base, id) = scenario("429:ra=30,ok");
    let controller = web_sys::AbortController::new().unwrap();
    let logger = js("controller", "const none = () => {}; return { debug: none, info: none, warn: () => controller.abort(), error: none };")
        .call1(&JsValue::UNDEFINED, &controller)
        .unwrap();
    let opts = options(ACCOUNT_WIDE, &base, &[("signal", controller.signal().into()), ("logLevel", "warn".into()), ("logger", logger)]);
    let err = me_err(opts).await;
    assert_error(&err, "OutboundSyncAbortError", "aborted", Some(ACCOUNT_WIDE));
    assert!(controller.signal().aborted(), "the call ended before the warn line");
    assert_eq!(count(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_makes_no_request() {
    let (base, id) = scenario("ok");
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let err = me_err(options(ACCOUNT_WIDE, &base, &[("signal", controller.signal().into())])).await;
    assert_error(&err, "OutboundSyncAbortError", "aborted", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&err, "attempts"), Some(0.0));
    assert_eq!(count(&id).await, 0.0);
}

#[wasm_bindgen_test]
async fn the_module_keeps_working_after_every_failure() {
    // A trap would poison the instance; after all of the above, a normal call still succeeds.
    for steps in ["200:body=badid3", "reset", "404"] {
        let (base, _) = scenario(steps);
        let _ = me(options(ACCOUNT_WIDE, &base, &[("maxRetries", 0.into())])).await;
    }
    assert!(me(options(ACCOUNT_WIDE, base(), &[])).await.is_ok());
}

/// Polls two futures to completion on the JS event loop (no executor crate needed).
async fn futures_join<A: core::future::Future, B: core::future::Future<Output = ()>>(a: A, b: B) -> (A::Output, ()) {
    use core::pin::pin;
    use core::task::Poll;
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut a_out = None;
    let mut b_done = false;
    core::future::poll_fn(|cx| {
        if a_out.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                a_out = Some(v);
            }
        }
        if !b_done {
            b_done = b.as_mut().poll(cx).is_ready();
        }
        if a_out.is_some() && b_done {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    (a_out.unwrap(), ())
}

// ---- cache and log ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn with_a_cache_ttl_concurrent_calls_share_one_request_and_each_gets_its_own_copy() {
    let (base, id) = scenario("ok");
    let opts = options(ACCOUNT_WIDE, &base, &[("cacheTtlMs", 60_000.into())]);
    let calls: Array = (0..20).map(|_| JsValue::from(get_outbound_sync_connections(opts.clone()))).collect();
    let results: Array = JsFuture::from(Promise::all(&calls)).await.unwrap().unchecked_into();
    assert_eq!(count(&id).await, 1.0);
    let first: Array = results.get(0).unchecked_into();
    assert_eq!(first.length(), 3);
    assert!(results.get(0) != results.get(1), "two callers got the same array");
    first.set_length(0);
    let again: Array = get_outbound_sync_connections(opts).await.unwrap().unchecked_into();
    assert_eq!(again.length(), 3, "one caller's change reached another");
    assert_eq!(count(&id).await, 1.0, "a call within the TTL sent a request");
}

#[wasm_bindgen_test]
async fn with_a_cache_ttl_a_429_holds_later_calls_back_without_a_request() {
    let (base, id) = scenario("429:ra=42,ok");
    let opts = options(ACCOUNT_WIDE, &base, &[("cacheTtlMs", 60_000.into()), ("maxRetries", 0.into())]);
    let first = me_err(opts.clone()).await;
    assert_eq!(num_field(&first, "retryAfter"), Some(42.0));
    let held = me_err(opts).await;
    assert_error(&held, "OutboundSyncRateLimitError", "rate_limited", Some(ACCOUNT_WIDE));
    assert_eq!(num_field(&held, "attempts"), Some(0.0));
    let left = num_field(&held, "retryAfter").unwrap();
    assert!(left > 0.0 && left <= 42.0, "{left}");
    assert_eq!(count(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn the_log_goes_to_the_callers_logger_by_level_and_never_holds_the_key() {
    let recorder = js(
        "",
        "const lines = []; const to = (level) => (line) => { lines.push(level + ' ' + line); };
         return { lines, logger: { debug: to('debug'), info: to('info'), warn: to('warn'), error: to('error') } };",
    )
    .call0(&JsValue::UNDEFINED)
    .unwrap();
    let (base, _) = scenario("503:ra=0,ok");
    let logger = get(&recorder, "logger");
    assert!(me(options(ACCOUNT_WIDE, &base, &[("logLevel", "debug".into()), ("logger", logger.clone())])).await.is_ok());
    let (failing, _) = scenario("500");
    let quiet = [("logLevel", JsValue::from("error")), ("logger", logger), ("maxRetries", 0.into())];
    me_err(options(ACCOUNT_WIDE, &failing, &quiet)).await;
    let lines: Vec<String> = get(&recorder, "lines").unchecked_into::<Array>().iter().map(|l| l.as_string().unwrap()).collect();
    let levels: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(levels, ["debug", "warn", "debug", "error"], "{lines:#?}");
    assert!(lines[0].contains("attempt 1: HTTP 503") && lines[2].contains("attempt 2: HTTP 200"), "{lines:#?}");
    assert!(lines[3].contains("server_error"), "{lines:#?}");
    assert!(lines.iter().all(|l| !l.contains(ACCOUNT_WIDE)), "{lines:#?}");
}
