//! Fuzzy search over everything a coordinator may type during a meeting: regions (with their
//! short forms), partners (with names in their own scripts), countries, agreements, obstacle
//! tags, and activity titles and descriptions.
//!
//! Matching is fuzzy-matcher's skim algorithm over accent-folded, case-folded text, with three
//! things on top that make it fast enough for a million activities:
//! - every document carries a 64-bit mask of the characters it contains, so most documents
//!   are rejected by one AND before any string is read;
//! - a query that extends the previous one searches only the previous matches;
//! - large candidate sets are scored on all cores.
//!
//! Ranking adds to skim's score a bonus for a match at the start of the text and a small
//! penalty for length, so "bali" puts the province Bali before "Balikpapan"; ties keep index
//! order (records before activities, then input order), so results never jump between runs.

mod index;
pub mod saved;

pub use index::{DocKind, Index, IndexBuilder, Target, region_terms};

use fuzzy_matcher::skim::SkimMatcherV2;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::Catalog;
use crate::domain::text::{fold_for_search, is_unsafe_char};
use crate::i18n::Lang;

/// Longest query that is matched; the rest is ignored (a pasted page must not stall typing).
pub const QUERY_MAX: usize = 128;
/// How many characters of an activity's description are searched.
pub const DESCRIPTION_SEARCHED: usize = 400;
/// Above this many candidates, scoring is split across threads.
const PARALLEL_FROM: usize = 20_000;

/// The index for a store: the saved one while it is current, else built from the store and
/// saved for next time.
pub fn load_or_build(
    catalog: &crate::domain::Catalog,
    store: &crate::store::Store,
    lang: crate::i18n::Lang,
    aliases: &std::collections::BTreeMap<String, String>,
) -> Result<Index, crate::store::StoreError> {
    if let Some(index) = saved::load(store.path(), lang, aliases) {
        return Ok(index);
    }
    let generation = store.generation();
    let index = build(catalog, store, lang, aliases)?;
    if let Some(generation) = generation {
        // A failed save only costs the next search a rebuild.
        let _ = saved::save(store.path(), lang, aliases, generation, &index);
    }
    Ok(index)
}

/// Indexes a store: the records of `catalog` and every activity in `store`.
pub fn build(
    catalog: &crate::domain::Catalog,
    store: &crate::store::Store,
    lang: crate::i18n::Lang,
    aliases: &std::collections::BTreeMap<String, String>,
) -> Result<Index, crate::store::StoreError> {
    let mut builder = IndexBuilder::new(catalog, lang, aliases);
    store.visit_activities(|a| builder.add_activity(&a))?;
    Ok(builder.finish())
}

/// What a search sees of the index: the records of a catalog as of a day. The index holds
/// every record and activity of the store; in a replay of a past day (`--today`), the
/// agreements that did not exist yet, the activities after that day, and the partners and
/// countries known only through later agreements are not found. It also says what changes
/// with the day beside a result: an agreement's status, a tag's and a country's counts.
pub struct Lens<'a> {
    /// `None` when the catalog could not be read: everything is shown, as indexed.
    catalog: Option<&'a Catalog>,
    /// Without a catalog, the statuses of a saved [`Today`] view, if any.
    statuses: Option<&'a HashMap<crate::domain::AgreementId, crate::domain::Status>>,
    today: NaiveDate,
    replay: bool,
    lang: Lang,
    counts: std::borrow::Cow<'a, Counts>,
}

/// What a search shows beside its results on one day, saved beside the store with the index
/// (see [`saved::save_today`]) so that `kembar search` without `--today` answers without
/// opening the store: each agreement's status and the counts, as of `day`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Today {
    pub day: NaiveDate,
    statuses: HashMap<crate::domain::AgreementId, crate::domain::Status>,
    counts: Counts,
}

impl Today {
    pub fn of(catalog: &Catalog, day: NaiveDate) -> Today {
        Today {
            day,
            statuses: catalog
                .agreements
                .iter()
                .map(|a| (a.id, a.status_on(day)))
                .collect(),
            counts: Counts::of(catalog, day, false),
        }
    }
}

/// What a lens works out once from its catalog: the partners and countries with agreements,
/// and how many agreements each tag is on, as of its day. Kept by a finder that stays open
/// so that typing does not count them again.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    partners: HashSet<String>,
    countries: HashMap<String, usize>,
    tags: HashMap<String, usize>,
}

impl Counts {
    pub fn of(catalog: &Catalog, today: NaiveDate, replay: bool) -> Counts {
        let mut partners = HashSet::new();
        let mut tags: HashMap<String, usize> = HashMap::new();
        for a in &catalog.agreements {
            if !partners.contains(a.partner.as_str()) {
                partners.insert(a.partner.clone());
            }
            for t in a.tags_on(today) {
                match tags.get_mut(t) {
                    Some(n) => *n += 1,
                    None => {
                        tags.insert(t.to_string(), 1);
                    }
                }
            }
        }
        let mut countries: HashMap<String, usize> = HashMap::new();
        for p in &catalog.partners {
            if !replay || partners.contains(p.id.as_str()) {
                *countries.entry(p.country.clone()).or_default() += 1;
            }
        }
        Counts {
            partners,
            countries,
            tags,
        }
    }
}

impl<'a> Lens<'a> {
    /// `catalog` is what is shown (as of `today` in a replay); `replay` is whether results
    /// dated after `today` are to be left out.
    pub fn new(catalog: &'a Catalog, today: NaiveDate, replay: bool, lang: Lang) -> Lens<'a> {
        Lens {
            catalog: Some(catalog),
            statuses: None,
            today,
            replay,
            lang,
            counts: std::borrow::Cow::Owned(Counts::of(catalog, today, replay)),
        }
    }

    /// A lens with its counts worked out already (by [`Counts::of`] on the same catalog).
    pub fn with_counts(
        catalog: &'a Catalog,
        today: NaiveDate,
        replay: bool,
        lang: Lang,
        counts: &'a Counts,
    ) -> Lens<'a> {
        Lens {
            catalog: Some(catalog),
            statuses: None,
            today,
            replay,
            lang,
            counts: std::borrow::Cow::Borrowed(counts),
        }
    }

    /// A lens for an index read without its store (held by another process): everything is
    /// shown, with only what the index itself says beside it.
    pub fn blind(today: NaiveDate, lang: Lang) -> Lens<'static> {
        Lens {
            catalog: None,
            statuses: None,
            today,
            replay: false,
            lang,
            counts: std::borrow::Cow::Owned(Counts::default()),
        }
    }

    /// A lens from a saved view of today (no replay): what it says beside results is what
    /// a lens on the catalog would say that day.
    pub fn saved(view: &'a Today, lang: Lang) -> Lens<'a> {
        Lens {
            catalog: None,
            statuses: Some(&view.statuses),
            today: view.day,
            replay: false,
            lang,
            counts: std::borrow::Cow::Borrowed(&view.counts),
        }
    }

    /// Whether every document is shown (no replay).
    pub fn shows_all(&self) -> bool {
        !self.replay || self.catalog.is_none()
    }

    pub fn shows(&self, index: &Index, doc: u32) -> bool {
        let Some(catalog) = self.catalog.filter(|_| self.replay) else {
            return true;
        };
        match index.target(doc) {
            Target::Agreement(id) => catalog.agreement(id).is_some(),
            Target::Activity { agreement, .. } => {
                catalog.agreement(agreement).is_some()
                    && index.activity_date(doc).is_none_or(|d| d <= self.today)
            }
            Target::Partner(id) => self.counts.partners.contains(id.as_str()),
            Target::Country(c) => self.counts.countries.contains_key(c.as_str()),
            Target::Region(_) | Target::Tag(_) => true,
        }
    }

    /// What is shown beside a result: where it sits, and what it is like that day.
    pub fn context(&self, index: &Index, doc: u32) -> String {
        let stored = index.context(doc);
        if self.catalog.is_none() && self.statuses.is_none() {
            return stored;
        }
        let joined = |extra: String| {
            if stored.is_empty() {
                extra
            } else {
                format!("{stored} · {extra}")
            }
        };
        match index.target(doc) {
            Target::Agreement(id) => {
                let status = match (self.catalog, self.statuses) {
                    (Some(catalog), _) => catalog.agreement(id).map(|a| a.status_on(self.today)),
                    (None, Some(statuses)) => statuses.get(&id).copied(),
                    (None, None) => None,
                };
                match status {
                    Some(status) => {
                        joined(crate::i18n::text::status(status, self.lang).to_string())
                    }
                    None => stored,
                }
            }
            Target::Tag(id) => {
                let uses = self.counts.tags.get(id.as_str()).copied().unwrap_or(0);
                joined(crate::i18n::text::agreements(uses, self.lang))
            }
            Target::Country(c) => {
                let partners = self.counts.countries.get(c.as_str()).copied().unwrap_or(0);
                joined(crate::i18n::text::partners(partners, self.lang))
            }
            _ => stored,
        }
    }
}

/// One match: a document and its score (higher is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub score: i64,
}

/// A query as matched: control characters removed, folded, trimmed, bounded.
pub fn normalize_query(query: &str) -> String {
    let cleaned: String = query
        .chars()
        .filter(|&c| !is_unsafe_char(c))
        .take(QUERY_MAX * 2)
        .collect();
    let folded = fold_for_search(cleaned.trim());
    let mut out = String::with_capacity(folded.len());
    let mut last_space = false;
    for c in folded.chars().take(QUERY_MAX) {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim_end().to_string()
}

/// The mask bit for one folded character (see [`Index`]).
pub(crate) fn char_bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        c if c.is_ascii() => 0,
        c => 1 << (36 + (c as u32 % 28)),
    }
}

pub(crate) fn mask_of(folded: &str) -> u64 {
    folded.chars().fold(0, |m, c| m | char_bit(c))
}

fn matcher() -> SkimMatcherV2 {
    // element_limit bounds skim's score matrix: a long text against a long query falls back
    // to its simple matcher instead of allocating pattern x text cells.
    SkimMatcherV2::default().ignore_case().element_limit(40_000)
}

/// Phase one: whether a document matches, and a cheap score good enough to pick the few
/// hundred candidates that phase two ranks exactly. Runs on every candidate, so it avoids
/// skim's score matrix: one greedy pass over the text, rewarding word starts and runs.
fn quick_score(
    index: &Index,
    matcher: &SkimMatcherV2,
    doc: u32,
    query: &str,
    query_mask: u64,
) -> Option<i64> {
    if index.mask(doc) & query_mask != query_mask {
        return None;
    }
    let text = index.match_text(doc);
    // An ASCII byte in UTF-8 is always a whole character, so an ASCII query can be matched
    // byte by byte whatever script the text is in. Queries in other scripts go to skim.
    let base = if query.is_ascii() {
        greedy_ascii(text.as_bytes(), query.as_bytes())?
    } else {
        lowered_skim(matcher, text, query)?
    };
    Some(base * 4 + bonuses(index, doc, text, query))
}

/// Phase two: skim's score for the documents phase one ranked highest.
fn precise_score(index: &Index, matcher: &SkimMatcherV2, doc: u32, query: &str) -> Option<i64> {
    let text = index.match_text(doc);
    let raw = lowered_skim(matcher, text, query)?;
    Some(raw * 4 + bonuses(index, doc, text, query))
}

/// Skim's score on the lower-cased text: skim rewards capitals, and only some documents keep
/// a folded (lower-case) copy, so scoring the text as displayed would rank by accident.
fn lowered_skim(matcher: &SkimMatcherV2, text: &str, query: &str) -> Option<i64> {
    LOWERED.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        buf.extend(text.chars().map(|c| c.to_ascii_lowercase()));
        matcher.fuzzy(&buf, query, false).map(|(s, _)| s)
    })
}

fn bonuses(index: &Index, doc: u32, text: &str, query: &str) -> i64 {
    let prefix = if starts_with_folded(text, query) {
        200
    } else {
        0
    };
    prefix + kind_bonus(index.kind(doc)) - length_penalty(text)
}

/// Greedy, case-insensitive subsequence match with skim-like rewards: a match at a word
/// start or right after the previous match scores more, a gap costs a little.
///
/// Where it may start: at up to four word starts that begin with the query's first
/// character ("jawa" in "Kunjungan ... Jawa Tengah" is scored at "Jawa"), and, for queries
/// of one or two characters only, also at the first occurrence anywhere. People type the
/// start of a name; a three-letter query that only matches from the middle of words is
/// noise in a million descriptions, and scoring it would slow every keystroke.
///
/// None when the query is not matched that way, or when the path leaves more than
/// [`MAX_GAP`] characters between two matched ones. Both rules keep narrowing exact: a
/// longer query may start at no more places than its prefix, and its path from a start
/// extends the prefix's path from the same start, so anything it accepts, the prefix
/// accepted too.
fn greedy_ascii(text: &[u8], query: &[u8]) -> Option<i64> {
    let (anchors, count) = anchors(text, query)?;
    anchors[..count]
        .iter()
        .filter_map(|&anchor| greedy_from(text, query, anchor))
        .max()
}

/// Where a greedy match may start (see [`greedy_ascii`]): up to five positions.
fn anchors(text: &[u8], query: &[u8]) -> Option<([usize; 5], usize)> {
    let first = *query.first()?;
    let is_start = |i: usize| i == 0 || !text[i - 1].is_ascii_alphanumeric();
    let anywhere = query.len() <= 2 || !first.is_ascii_alphanumeric();
    let mut anchors: [usize; 5] = [0; 5];
    let mut count = 0;
    let mut word_starts = 0;
    for (i, b) in text.iter().enumerate() {
        if b.to_ascii_lowercase() != first {
            continue;
        }
        let start = is_start(i);
        if start && word_starts < 4 {
            anchors[count] = i;
            count += 1;
            word_starts += 1;
        } else if anywhere && count == 0 {
            anchors[count] = i;
            count += 1;
        }
        if word_starts == 4 {
            break;
        }
    }
    Some((anchors, count))
}

/// The greedy match of an ASCII query with the best score, and the byte positions it takes.
fn greedy_positions(text: &[u8], query: &[u8]) -> Option<(i64, Vec<usize>)> {
    let (anchors, count) = anchors(text, query)?;
    anchors[..count]
        .iter()
        .filter_map(|&anchor| {
            let mut taken = Vec::with_capacity(query.len());
            walk_from(text, query, anchor, |i| taken.push(i)).map(|s| (s, taken))
        })
        .max_by_key(|(s, _)| *s)
}

/// The widest gap allowed between two matched characters of an ASCII query.
pub const MAX_GAP: usize = 15;

fn greedy_from(text: &[u8], query: &[u8], anchor: usize) -> Option<i64> {
    walk_from(text, query, anchor, |_| {})
}

/// The greedy walk behind [`greedy_from`], telling `matched` each byte position it takes.
fn walk_from(
    text: &[u8],
    query: &[u8],
    anchor: usize,
    mut matched: impl FnMut(usize),
) -> Option<i64> {
    let mut score = 0i64;
    let mut at = anchor;
    let mut previous: Option<usize> = None;
    for &q in query {
        let found = text
            .get(at..)?
            .iter()
            .position(|b| b.to_ascii_lowercase() == q)?
            + at;
        score += 16;
        if found == 0 || !text[found - 1].is_ascii_alphanumeric() {
            score += 8;
        }
        match previous {
            Some(p) if p + 1 == found => score += 8,
            Some(p) if found - p - 1 > MAX_GAP => return None,
            Some(p) => score -= ((found - p - 1) as i64).min(8),
            None => {}
        }
        matched(found);
        previous = Some(found);
        at = found + 1;
    }
    Some(score)
}

/// Records before the agreements and activities that mention them, among equals.
fn kind_bonus(kind: DocKind) -> i64 {
    match kind {
        DocKind::Region => 40,
        DocKind::Partner => 32,
        DocKind::Country => 24,
        DocKind::Tag => 16,
        DocKind::Agreement => 8,
        DocKind::Activity => 0,
    }
}

/// Shorter targets first among equals: a penalty that never outweighs a better match.
fn length_penalty(text: &str) -> i64 {
    (text.len().min(400) / 8) as i64
}

thread_local! {
    static LOWERED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn starts_with_folded(text: &str, query: &str) -> bool {
    let mut t = text.chars().flat_map(char::to_lowercase);
    query.chars().all(|q| t.next() == Some(q))
}

/// Every document matching `query`, unsorted. With `within`, only those documents are tried
/// (the matches of a shorter query that this one extends).
pub fn matches(index: &Index, query: &str, within: Option<&[u32]>) -> Vec<Hit> {
    let query_mask = mask_of(query);
    let all: Vec<u32>;
    let candidates: &[u32] = match within {
        Some(c) => c,
        None => {
            all = (0..index.len() as u32).collect();
            &all
        }
    };
    if query.is_empty() {
        return candidates
            .iter()
            .map(|&doc| Hit { doc, score: 0 })
            .collect();
    }
    let run = |chunk: &[u32]| -> Vec<Hit> {
        let m = matcher();
        chunk
            .iter()
            .filter_map(|&doc| {
                quick_score(index, &m, doc, query, query_mask).map(|score| Hit { doc, score })
            })
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if candidates.len() < PARALLEL_FROM || threads == 1 {
        return run(candidates);
    }
    let size = candidates.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = candidates
            .chunks(size)
            .map(|chunk| s.spawn(move || run(chunk)))
            .collect();
        let mut out = Vec::new();
        for h in handles {
            if let Ok(part) = h.join() {
                out.extend(part);
            }
        }
        out
    })
}

/// Best first; equal scores keep document order.
pub fn rank(hits: &mut [Hit]) {
    hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.doc.cmp(&b.doc)));
}

/// How many of phase one's best are ranked again with skim's exact score.
pub const RERANKED: usize = 200;

/// The best `limit` hits: phase one's best [`RERANKED`] (or `limit`, if more) scored again
/// with skim and ranked; equal scores keep document order.
pub fn top_reranked(index: &Index, hits: &[Hit], query: &str, limit: usize) -> Vec<Hit> {
    let mut best = top(hits, limit.max(RERANKED));
    if !query.is_empty() {
        let m = matcher();
        for hit in &mut best {
            if let Some(score) = precise_score(index, &m, hit.doc, query) {
                hit.score = score;
            }
        }
        rank(&mut best);
    }
    best.truncate(limit);
    best
}

/// The best `limit` hits by their current score, ranked, without sorting the rest.
pub fn top(hits: &[Hit], limit: usize) -> Vec<Hit> {
    let mut best = hits.to_vec();
    if best.len() > limit && limit > 0 {
        best.select_nth_unstable_by(limit - 1, |a, b| {
            b.score.cmp(&a.score).then(a.doc.cmp(&b.doc))
        });
        best.truncate(limit);
    } else if limit == 0 {
        best.clear();
    }
    rank(&mut best);
    best
}

/// Positions (in characters of [`Index::display`]) of the characters a query matched, for
/// highlighting; empty when the display text and the matched text do not line up.
pub fn highlights(index: &Index, doc: u32, query: &str) -> Vec<usize> {
    if query.is_empty() {
        return Vec::new();
    }
    let text = index.match_text(doc).to_lowercase();
    if text.chars().count() != index.display(doc).chars().count() {
        return Vec::new();
    }
    matcher()
        .fuzzy(&text, query, true)
        .map(|(_, positions)| positions)
        .unwrap_or_default()
}

/// How a query matched the fields of one record (see [`match_fields`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMatch {
    pub score: i64,
    /// For each field, the positions (in characters of the field as given) of the matched
    /// characters, for highlighting; empty where the field was not matched or where its
    /// folded form does not line up with it.
    pub positions: Vec<Vec<usize>>,
    /// Whether every word of the query is the start of a word of some field; a list that
    /// has such matches leaves out the rest, which only matched with gaps.
    pub exact: bool,
}

/// Matches a folded query (see [`normalize_query`]) against the fields of one record the way
/// the finder matches a document: case and accents ignored, each word of the query matched
/// within one field, from the start of a word there, with small gaps allowed ("queenslnd"
/// finds Queensland); queries in other scripts matched by skim. Every word must match for
/// the record to match. For filtering lists on screen.
pub fn match_fields(fields: &[&str], query: &str) -> Option<FieldMatch> {
    match_fields_loose_until(fields, fields.len(), query)
}

/// [`match_fields`] where only the first `loose` fields (names) allow gaps between matched
/// letters; the rest (sentences: reasons, tag labels) match a query word only as the start
/// of one of their words, since a sentence holds enough letters to match almost any short
/// word with gaps ("siem" in "since … MoU").
pub fn match_fields_loose_until(fields: &[&str], loose: usize, query: &str) -> Option<FieldMatch> {
    let mut result = FieldMatch {
        score: 0,
        positions: vec![Vec::new(); fields.len()],
        exact: true,
    };
    if query.is_empty() {
        return Some(result);
    }
    let folded: Vec<String> = fields.iter().map(|f| fold_for_search(f)).collect();
    let m = matcher();
    for word in query.split(' ').filter(|w| !w.is_empty()) {
        let best = folded
            .iter()
            .enumerate()
            .filter_map(|(i, text)| {
                if i < loose {
                    field_score(&m, text, word)
                } else {
                    word_start_score(text, word)
                }
                .map(|(s, p)| (s, i, p))
            })
            .max_by_key(|(s, i, _)| (*s, std::cmp::Reverse(*i)))?;
        let (score, field, positions) = best;
        result.score += score;
        result.exact &= folded.iter().any(|t| word_start_score(t, word).is_some());
        let aligned = folded[field].chars().count() == fields[field].chars().count();
        if aligned {
            let slot = &mut result.positions[field];
            slot.extend(positions);
            slot.sort_unstable();
            slot.dedup();
        }
    }
    Some(result)
}

/// One word against one folded field: its score and the character positions it took.
fn field_score(m: &SkimMatcherV2, text: &str, word: &str) -> Option<(i64, Vec<usize>)> {
    if word.is_ascii() {
        let (score, bytes) = greedy_positions(text.as_bytes(), word.as_bytes())?;
        // Byte positions of ASCII characters; count the characters before each.
        let mut chars = Vec::with_capacity(bytes.len());
        let mut next = bytes.iter().peekable();
        for (n, (i, _)) in text.char_indices().enumerate() {
            if next.peek() == Some(&&i) {
                chars.push(n);
                next.next();
            }
        }
        Some((
            score
                + if starts_with_folded(text, word) {
                    50
                } else {
                    0
                },
            chars,
        ))
    } else {
        m.fuzzy(text, word, true)
    }
}

/// `word` as the start of a word of `text` (both folded): a score below any gapped match of
/// the same word in a name, and the character positions it took.
fn word_start_score(text: &str, word: &str) -> Option<(i64, Vec<usize>)> {
    let chars: Vec<char> = text.chars().collect();
    let wanted: Vec<char> = word.chars().collect();
    (0..chars.len())
        .filter(|&i| i == 0 || !chars[i - 1].is_alphanumeric())
        .find(|&i| chars[i..].starts_with(&wanted))
        .map(|i| (16 * wanted.len() as i64, (i..i + wanted.len()).collect()))
}

/// Incremental search state: remembers the last query's matches so that typing one more
/// character searches only those.
#[derive(Debug, Default, Clone)]
pub struct Finder {
    query: String,
    /// Every match, with phase one's score (what a longer query narrows).
    hits: Vec<Hit>,
    /// The best matches, ranked exactly.
    ranked: Vec<Hit>,
    /// Only documents of these kinds (all when empty).
    pub kinds: Vec<DocKind>,
}

impl Finder {
    pub fn new(kinds: Vec<DocKind>) -> Finder {
        Finder {
            kinds,
            ..Finder::default()
        }
    }

    /// Runs `raw_query` over the whole index and returns the number of matches.
    pub fn search(&mut self, index: &Index, raw_query: &str) -> usize {
        let everything = Lens::blind(NaiveDate::MIN, Lang::En);
        self.search_through(index, raw_query, &everything)
    }

    /// Runs `raw_query` over what `lens` shows and returns the number of matches.
    pub fn search_through(&mut self, index: &Index, raw_query: &str, lens: &Lens<'_>) -> usize {
        let query = normalize_query(raw_query);
        let narrowing =
            !self.query.is_empty() && query.starts_with(&self.query) && query != self.query;
        if query == self.query && !self.hits.is_empty() {
            return self.hits.len();
        }
        let within: Option<Vec<u32>> = if narrowing {
            Some(self.hits.iter().map(|h| h.doc).collect())
        } else if self.kinds.is_empty() && lens.shows_all() {
            None
        } else {
            Some(
                (0..index.len() as u32)
                    .filter(|&d| self.kinds.is_empty() || self.kinds.contains(&index.kind(d)))
                    .filter(|&d| lens.shows(index, d))
                    .collect(),
            )
        };
        self.hits = matches(index, &query, within.as_deref());
        self.ranked = top_reranked(index, &self.hits, &query, RERANKED);
        self.query = query;
        self.hits.len()
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn len(&self) -> usize {
        self.hits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// The best `limit` matches, best first (beyond [`RERANKED`], by phase one's score).
    pub fn top(&self, limit: usize) -> Vec<Hit> {
        if limit <= self.ranked.len() || self.ranked.len() == self.hits.len() {
            return self.ranked.iter().take(limit).copied().collect();
        }
        let shown: std::collections::HashSet<u32> = self.ranked.iter().map(|h| h.doc).collect();
        let mut rest: Vec<Hit> = self
            .hits
            .iter()
            .filter(|h| !shown.contains(&h.doc))
            .copied()
            .collect();
        rank(&mut rest);
        self.ranked
            .iter()
            .copied()
            .chain(rest)
            .take(limit)
            .collect()
    }

    /// Forget the previous query (e.g. after the index changed).
    pub fn reset(&mut self) {
        self.query.clear();
        self.hits.clear();
        self.ranked.clear();
    }
}
