use qqbot::prelude::*;

#[command("hi", at = true, at = false)]
async fn hi() {}

fn main() {}
