//! Compile-time rules of `#[command]` and `#[on_event]`: each failing case has its expected `.stderr`.
//! Run one case with `TRYBUILD_CASE=ui/fail/unknown_key.rs cargo test -p qqbot-tests --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    match std::env::var("TRYBUILD_CASE") {
        Ok(case) if case.contains("/fail/") => t.compile_fail(case),
        Ok(case) => t.pass(case),
        Err(_) => {
            t.compile_fail("ui/fail/*.rs");
            t.pass("ui/pass/*.rs");
        }
    }
}
