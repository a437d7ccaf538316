//! Files: group file system, uploads, file URLs, cached media (`get_image`/`get_record`/`get_file`) and
//! downloads performed by the implementation.

use serde::Deserialize;

use super::params::Params;
use super::{Id, OneBotApi, OneBotApiError};
use crate::adapter::serde_lenient::lenient;
use crate::error::Result;

lenient! {
    /// A cached picture, voice clip or file (`get_image`, `get_record`, `get_file`).
    ///
    /// NapCat fills `file` (a path on the NapCat host), `url`, `file_size` and `file_name`; go-cqhttp answers
    /// `{size, filename, url}`, read here into the same fields.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct FileInfo {
        /// The local path on the implementation's host.
        pub file: Option<String>,
        /// A download URL.
        pub url: Option<String>,
        /// The size in bytes (NapCat sends a string, go-cqhttp a number named `size`).
        #[serde(alias = "size")]
        pub file_size: Option<String>,
        /// The file name (go-cqhttp: `filename`).
        #[serde(alias = "filename")]
        pub file_name: Option<String>,
        /// The content, when the implementation is configured to inline it.
        pub base64: Option<String>,
    }
}

lenient! {
    /// A group's file-system usage (`get_group_file_system_info`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct GroupFileSystemInfo {
        /// Files stored.
        pub file_count: i64,
        /// The file limit.
        pub limit_count: i64,
        /// Bytes used.
        pub used_space: i64,
        /// Bytes available in total.
        pub total_space: i64,
    }
}

lenient! {
    /// The files and folders of one group folder.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct GroupFiles {
        /// The files.
        pub files: Vec<GroupFile>,
        /// The folders.
        pub folders: Vec<GroupFolder>,
    }
}

lenient! {
    /// A file in a group's file system.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct GroupFile {
        /// The group.
        pub group_id: i64,
        /// The file id.
        pub file_id: String,
        /// The name.
        pub file_name: String,
        /// go-cqhttp's bus id.
        pub busid: i64,
        /// Size in bytes.
        pub file_size: i64,
        /// Upload time (Unix seconds).
        pub upload_time: i64,
        /// Expiry time (Unix seconds; 0 = never).
        pub dead_time: i64,
        /// Last change (Unix seconds).
        pub modify_time: i64,
        /// Download count.
        pub download_times: i64,
        /// Who uploaded it.
        pub uploader: i64,
        /// Their name.
        pub uploader_name: String,
    }
}

lenient! {
    /// A folder in a group's file system.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct GroupFolder {
        /// The group.
        pub group_id: i64,
        /// The folder id.
        pub folder_id: String,
        /// The name (implementations also send it as `folder`, kept in no field here).
        pub folder_name: String,
        /// Creation time (Unix seconds).
        pub create_time: i64,
        /// Who created it.
        pub creator: i64,
        /// Their name.
        pub creator_name: String,
        /// How many files it holds.
        pub total_file_count: i64,
    }
}

lenient! {
    /// What an upload answers: NapCat gives the new file's id, go-cqhttp nothing.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct UploadedFile {
        /// The uploaded file's id (NapCat).
        pub file_id: Option<String>,
    }
}

lenient! {
    #[derive(Default, Deserialize)]
    struct Url {
        url: Option<String>,
    }
}

/// What the implementation should download for [`OneBotApi::download_file`]: a URL or base64 data, with an
/// optional name, request headers and thread count (go-cqhttp; NapCat ignores it).
///
/// ```
/// use qqbot::adapter::onebot::api::DownloadFile;
/// let req = DownloadFile::url("https://example.com/a.png").name("a.png").header("Referer", "https://example.com");
/// assert_eq!(req.headers, ["Referer=https://example.com"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownloadFile {
    /// 图片 url — what to download.
    pub url: Option<String>,
    /// base64 编码 — the content itself.
    pub base64: Option<String>,
    /// 文件名 — the name to save it under.
    pub name: Option<String>,
    /// 请求头 — request headers as `Key=Value`.
    pub headers: Vec<String>,
    /// 下载线程数 — go-cqhttp's download threads.
    pub thread_count: Option<u32>,
}

impl DownloadFile {
    /// Download from a URL.
    pub fn url(url: impl Into<String>) -> Self {
        DownloadFile { url: Some(url.into()), ..DownloadFile::default() }
    }

    /// Save base64 data.
    pub fn base64(data: impl Into<String>) -> Self {
        DownloadFile { base64: Some(data.into()), ..DownloadFile::default() }
    }

    /// Saves under `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds a request header.
    pub fn header(mut self, key: &str, value: &str) -> Self {
        self.headers.push(format!("{key}={value}"));
        self
    }

    /// Sets go-cqhttp's thread count.
    pub fn thread_count(mut self, threads: u32) -> Self {
        self.thread_count = Some(threads);
        self
    }
}

/// Files: group file system, uploads, file URLs, cached media (`get_image`/`get_record`/`get_file`) and
/// downloads performed by the implementation.
///
/// ```
/// # use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
/// # use serde_json::json;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> qqbot::Result<()> {
/// # let napcat = FakeNapCat::http(None, Options::default()).await?; // runs against the fake NapCat
/// # let api = napcat.http_client()?.api();
/// # napcat.answer("upload_group_file", Answer::OkNoData);
/// # napcat.answer("get_group_root_files", Answer::Ok(json!({"files": [{"file_id": "/a-1", "file_name": "周报.pdf"}], "folders": []})));
/// # napcat.answer("get_group_file_url", Answer::Ok(json!({"url": "https://example.com/a-1"})));
/// # napcat.answer("download_file", Answer::Ok(json!({"file": "/napcat/temp/a.zip"})));
/// use qqbot::adapter::onebot::api::DownloadFile;
/// api.upload_group_file(123456789, "/data/report.pdf", "周报.pdf", None).await?;
/// let root = api.get_group_root_files(123456789).await?;
/// for file in &root.files {
///     let url = api.get_group_file_url(123456789, &file.file_id).await?;
///     println!("{} → {url}", file.file_name);
/// }
/// let local = api.download_file(DownloadFile::url("https://example.com/a.zip").name("a.zip")).await?;
/// # assert_eq!(local, "/napcat/temp/a.zip");
/// # Ok(()) }
/// ```
impl OneBotApi {
    /// 创建群文件文件夹 — creates a folder in the group's root (`create_group_file_folder`).
    pub async fn create_group_file_folder(&self, group_id: impl Into<Id>, folder_name: &str) -> Result<()> {
        // go-cqhttp requires `name` (NapCat reads `name` or `folder_name`).
        let params = Params::new().set("group_id", group_id.into()).set("name", folder_name);
        self.request_unit("create_group_file_folder", params).await
    }

    /// 删除群文件 — deletes a group file (`delete_group_file`).
    pub async fn delete_group_file(&self, group_id: impl Into<Id>, file_id: &str) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("file_id", file_id);
        self.request_unit("delete_group_file", params).await
    }

    /// 删除群文件文件夹 — deletes a group folder (`delete_group_folder`).
    pub async fn delete_group_folder(&self, group_id: impl Into<Id>, folder_id: &str) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("folder_id", folder_id);
        self.request_unit("delete_group_folder", params).await
    }

    /// 获取群文件系统信息 — file count, limit and space (`get_group_file_system_info`).
    pub async fn get_group_file_system_info(&self, group_id: impl Into<Id>) -> Result<GroupFileSystemInfo> {
        self.request("get_group_file_system_info", Params::new().set("group_id", group_id.into())).await
    }

    /// 获取群根目录文件列表 — the files and folders at the group's root (`get_group_root_files`).
    pub async fn get_group_root_files(&self, group_id: impl Into<Id>) -> Result<GroupFiles> {
        self.request("get_group_root_files", Params::new().set("group_id", group_id.into())).await
    }

    /// 获取群文件列表 — up to `file_count` files and folders of a folder (`get_group_files_by_folder`).
    pub async fn get_group_files_by_folder(
        &self,
        group_id: impl Into<Id>,
        folder_id: &str,
        file_count: u32,
    ) -> Result<GroupFiles> {
        let params =
            Params::new().set("group_id", group_id.into()).set("folder_id", folder_id).set("file_count", file_count);
        self.request("get_group_files_by_folder", params).await
    }

    /// 获取群文件URL — a download URL for a group file (`get_group_file_url`).
    pub async fn get_group_file_url(&self, group_id: impl Into<Id>, file_id: &str) -> Result<String> {
        let params = Params::new().set("group_id", group_id.into()).set("file_id", file_id);
        let url: Url = self.request("get_group_file_url", params).await?;
        url.url.ok_or_else(|| OneBotApiError::MissingField { action: "get_group_file_url".into(), field: "url" }.into())
    }

    /// 获取私聊文件URL — a download URL for a file received in private (`get_private_file_url`, NapCat).
    pub async fn get_private_file_url(&self, file_id: &str) -> Result<String> {
        let url: Url = self.request("get_private_file_url", Params::new().set("file_id", file_id)).await?;
        url.url
            .ok_or_else(|| OneBotApiError::MissingField { action: "get_private_file_url".into(), field: "url" }.into())
    }

    /// 上传群文件 — uploads a file (a path on the implementation's host, or a URL for NapCat) into the group,
    /// into a folder when `folder_id` is given (`upload_group_file`).
    pub async fn upload_group_file(
        &self,
        group_id: impl Into<Id>,
        file: &str,
        name: &str,
        folder_id: Option<&str>,
    ) -> Result<UploadedFile> {
        // `folder` is the key both go-cqhttp and NapCat read.
        let params =
            Params::new().set("group_id", group_id.into()).set("file", file).set("name", name).opt("folder", folder_id);
        self.request("upload_group_file", params).await
    }

    /// 上传私聊文件 — sends a file to a user (`upload_private_file`).
    pub async fn upload_private_file(&self, user_id: impl Into<Id>, file: &str, name: &str) -> Result<UploadedFile> {
        let params = Params::new().set("user_id", user_id.into()).set("file", file).set("name", name);
        self.request("upload_private_file", params).await
    }

    /// 移动群文件 — moves a group file to another folder (`move_group_file`, NapCat).
    pub async fn move_group_file(
        &self,
        group_id: impl Into<Id>,
        file_id: &str,
        current_parent_directory: &str,
        target_parent_directory: &str,
    ) -> Result<()> {
        let params = Params::new()
            .set("group_id", group_id.into())
            .set("file_id", file_id)
            .set("current_parent_directory", current_parent_directory)
            .set("target_parent_directory", target_parent_directory);
        self.request_unit("move_group_file", params).await
    }

    /// 重命名群文件 — renames a group file (`rename_group_file`, NapCat).
    pub async fn rename_group_file(
        &self,
        group_id: impl Into<Id>,
        file_id: &str,
        current_parent_directory: &str,
        new_name: &str,
    ) -> Result<()> {
        let params = Params::new()
            .set("group_id", group_id.into())
            .set("file_id", file_id)
            .set("current_parent_directory", current_parent_directory)
            .set("new_name", new_name);
        self.request_unit("rename_group_file", params).await
    }

    /// 转存为永久文件 — makes a temporary group file permanent (`trans_group_file`, NapCat).
    pub async fn trans_group_file(&self, group_id: impl Into<Id>, file_id: &str) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("file_id", file_id);
        self.request_unit("trans_group_file", params).await
    }

    /// 获取图片消息详情 — a received picture's local path and URL, by the `file` of its segment (`get_image`).
    pub async fn get_image(&self, file: &str) -> Result<FileInfo> {
        self.request("get_image", Params::new().set("file", file)).await
    }

    /// 获取语音消息详情 — a received voice clip converted to `out_format` (`mp3`, `amr`, `wma`, `m4a`, `spx`,
    /// `ogg`, `wav`, `flac`; needs ffmpeg) (`get_record`).
    pub async fn get_record(&self, file: &str, out_format: &str) -> Result<FileInfo> {
        self.request("get_record", Params::new().set("file", file).set("out_format", out_format)).await
    }

    /// 获取文件消息详情 — a received file's local path and URL (`get_file`, NapCat).
    pub async fn get_file(&self, file_id: &str) -> Result<FileInfo> {
        self.request("get_file", Params::new().set("file_id", file_id)).await
    }

    /// 下载文件 — has the implementation download a file to its own cache and returns the path on its host
    /// (`download_file`). To download to the bot's machine, use the HTTP client's `download_file`.
    pub async fn download_file(&self, request: DownloadFile) -> Result<String> {
        #[derive(Deserialize)]
        struct Saved {
            #[serde(default)]
            file: Option<String>,
        }
        let headers = (!request.headers.is_empty()).then_some(request.headers);
        let params = Params::new()
            .opt("url", request.url)
            .opt("base64", request.base64)
            .opt("name", request.name)
            .opt("headers", headers)
            .opt("thread_count", request.thread_count);
        let saved: Saved = self.request("download_file", params).await?;
        saved.file.ok_or_else(|| OneBotApiError::MissingField { action: "download_file".into(), field: "file" }.into())
    }
}
