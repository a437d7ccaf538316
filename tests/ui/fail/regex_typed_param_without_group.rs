use qqbot::prelude::*;

// `b` is typed, but the regex has only one group, and it is named `a`.
#[command(regex = r"^(?P<a>\d+)\+\d+$")]
async fn add(a: i64, b: i64) -> String {
    (a + b).to_string()
}

fn main() {}
