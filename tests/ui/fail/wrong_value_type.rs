use qqbot::prelude::*;

#[command("hi", at = "yes", priority = 1)]
async fn hi() {}

fn main() {}
