use qqbot::prelude::*;

#[command("hi")]
async fn hi() -> u32 {
    1
}

fn main() {}
