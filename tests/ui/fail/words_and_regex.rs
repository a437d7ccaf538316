use qqbot::prelude::*;

#[command("hi", regex = "h+i")]
async fn hi() {}

fn main() {}
