qqbot::plugin! {
    name = "天气",
    descripton = "查天气",
}

fn main() {}
