use qqbot::prelude::*;

#[command("hi")]
fn hi() -> &'static str {
    "hi"
}

fn main() {}
