use qqbot::prelude::*;

#[command("hi", atx = true)]
async fn hi() -> &'static str {
    "hi"
}

fn main() {}
