//! `printf '你好\n/echo 测试 123\n1+2\n/help\n' | cargo run --example hello` prints the four expected replies.

mod support;

#[test]
fn hello_answers_a_piped_script() {
    let out = support::run_script("hello", "你好\n/echo 测试 123\n1+2\n/help\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "你好，测试用户！");
    assert_eq!(lines[1], "测试 123");
    assert_eq!(lines[2], "3");
    assert_eq!(lines[3], "可用命令：");
    for usage in ["/echo <text:文字>", "你好", "calculate"] {
        assert!(lines[4..].iter().any(|l| l.starts_with(usage)), "/help lists {usage}: {stdout}");
    }
    // The built-in /help hides admin-only commands from a member and says how to ask about one command.
    assert!(!stdout.contains("/公告"), "{stdout}");
    assert!(lines.last().is_some_and(|l| l.contains("/help")), "{stdout}");
}
