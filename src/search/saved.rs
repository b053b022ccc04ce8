//! A search index saved beside the store, so that `kembar search` answers without opening the
//! store at all: no wait for the store's lock (it works while a dashboard holds the store),
//! and no reading of a million activities to answer one query.
//!
//! The file is trusted only while the store's identity and generation (both in
//! `store::GENERATION_FILE`), the kembar version, the language and the alias table are the
//! ones it was built with; otherwise it is rebuilt by whoever next opens the store. The
//! identity is what tells apart two stores with the same history (a copy and its original,
//! or siblings filled by the same import): an index copied from one into the other names
//! records that may not exist there.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::store::{StoreId, read_stamp};

use super::Index;
use super::index::{Layout, Records};

const MAGIC: &[u8; 8] = b"KBSRCH05";

/// File layout: MAGIC, then a u32 length and that many bytes of [`Header`] (postcard),
/// padding to 8 bytes, then the index's column bytes.
#[derive(Serialize, Deserialize)]
struct Header {
    store: StoreId,
    generation: u64,
    fingerprint: u64,
    layout: Layout,
    records: Records,
}

/// Where the index for `lang` is saved.
pub fn path(store_dir: &Path, lang: Lang) -> PathBuf {
    let tag = match lang {
        Lang::Id => "id",
        Lang::En => "en",
    };
    store_dir.join(format!("search-index.{tag}"))
}

/// What, besides the store's contents, the index depends on.
fn fingerprint(lang: Lang, aliases: &BTreeMap<String, String>) -> u64 {
    let mut h = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    lang.hash(&mut h);
    aliases.hash(&mut h);
    h.finish()
}

/// The saved index, if it is still current.
pub fn load(store_dir: &Path, lang: Lang, aliases: &BTreeMap<String, String>) -> Option<Index> {
    let stamp = read_stamp(store_dir)?;
    let store = stamp.store?;
    let file = std::fs::File::open(path(store_dir, lang)).ok()?;
    // SAFETY: kembar never changes a saved index in place: it writes a new file and renames
    // it over the old one, so the mapped pages stay those of the file opened here. Other
    // programs writing into a kembar store folder are outside what the store supports.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    let rest = map.strip_prefix(MAGIC)?;
    let header_len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let header: Header = postcard::from_bytes(rest.get(4..4 + header_len)?).ok()?;
    if header.store != store
        || header.generation != stamp.generation
        || header.fingerprint != fingerprint(lang, aliases)
    {
        return None;
    }
    let columns = (MAGIC.len() + 4 + header_len).next_multiple_of(8);
    Index::from_parts_mapped(map, columns, header.layout, header.records)
}

/// Saves an index built at store generation `generation`; written beside and renamed, so a
/// reader never sees half a file, and never through a link. A store without an identity
/// (an older one that could not be written) gets no saved index.
pub fn save(
    store_dir: &Path,
    lang: Lang,
    aliases: &BTreeMap<String, String>,
    generation: u64,
    index: &Index,
) -> std::io::Result<()> {
    use std::io::Write;
    let store = read_stamp(store_dir).and_then(|s| s.store).ok_or_else(|| {
        std::io::Error::other("the store has no identity yet; the index is not saved")
    })?;
    let (columns, layout, records) = index.parts();
    // Column offsets are saved relative to the column bytes; the header goes first.
    let base = layout.base();
    let header = Header {
        store,
        generation,
        fingerprint: fingerprint(lang, aliases),
        layout: layout.relative_to(base),
        records: records.clone(),
    };
    let encoded = postcard::to_stdvec(&header).map_err(|e| std::io::Error::other(e.to_string()))?;
    let target = path(store_dir, lang);
    // One temporary name per language: two indexes may be saved at once.
    let mut tmp_name = target.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut out = std::io::BufWriter::new(crate::store::folder::create_fresh(&tmp)?);
    out.write_all(MAGIC)?;
    out.write_all(&(encoded.len() as u32).to_le_bytes())?;
    out.write_all(&encoded)?;
    let written = MAGIC.len() + 4 + encoded.len();
    out.write_all(&vec![0u8; written.next_multiple_of(8) - written])?;
    out.write_all(&columns[base..])?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, &target)
}

/// Where the view of today ([`super::Today`]) is saved: one small file for every language.
fn today_path(store_dir: &Path) -> PathBuf {
    store_dir.join("search-today")
}

#[derive(Serialize, Deserialize)]
struct TodayFile {
    store: StoreId,
    generation: u64,
    version: String,
    view: super::Today,
}

/// Saves what search results show on `view.day`, for the store at `generation`; written
/// beside and renamed, like the index.
pub fn save_today(store_dir: &Path, generation: u64, view: &super::Today) -> std::io::Result<()> {
    use std::io::Write;
    let store = read_stamp(store_dir).and_then(|s| s.store).ok_or_else(|| {
        std::io::Error::other("the store has no identity yet; the view is not saved")
    })?;
    let file = TodayFile {
        store,
        generation,
        version: env!("CARGO_PKG_VERSION").to_string(),
        view: view.clone(),
    };
    let encoded = postcard::to_stdvec(&file).map_err(|e| std::io::Error::other(e.to_string()))?;
    let target = today_path(store_dir);
    let tmp = store_dir.join("search-today.tmp");
    let mut out = crate::store::folder::create_fresh(&tmp)?;
    out.write_all(&encoded)?;
    out.sync_all()?;
    std::fs::rename(&tmp, &target)
}

/// The saved view of `day`, if it was made for the store as it is now, by this version.
pub fn load_today(store_dir: &Path, day: chrono::NaiveDate) -> Option<super::Today> {
    let stamp = read_stamp(store_dir)?;
    let bytes = std::fs::read(today_path(store_dir)).ok()?;
    let file: TodayFile = postcard::from_bytes(&bytes).ok()?;
    (Some(file.store) == stamp.store
        && file.generation == stamp.generation
        && file.version == env!("CARGO_PKG_VERSION")
        && file.view.day == day)
        .then_some(file.view)
}
