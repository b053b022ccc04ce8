//! Validation with messages that name the record, the field, the problem and the fix.
//!
//! The same checks guard imports, the command line and the editing forms, so a record that
//! is in a store has passed them once.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::builtin::is_builtin_tag;
use super::dataset::Dataset;
use super::model::*;
use super::text::{display_safe, is_unsafe_char};

/// Longest name or title, in characters. Long enough for "Pemerintah Kota Administrasi
/// Jakarta Selatan" in full, short enough to catch a pasted document.
pub const NAME_MAX: usize = 200;
/// Longest free text (notes, descriptions), in characters.
pub const TEXT_MAX: usize = 20_000;
/// Longest list (fields, aliases, participants, contacts, reports).
pub const LIST_MAX: usize = 500;
/// The largest agreement or activity id: 2^53 − 1, the largest integer that every JSON
/// reader (JavaScript's numbers, spreadsheets) keeps exactly. Id 0 means "new" in an editor
/// and is never stored.
pub const ID_MAX: u64 = (1 << 53) - 1;
/// Dates outside these years are taken for typing mistakes.
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1900..=2200;

/// One problem with one record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{record}: `{field}` {problem}; fix: {fix}")]
pub struct Invalid {
    /// Which record, e.g. `agreement 12 (jawa-tengah – fujian)`.
    pub record: String,
    /// Which field, e.g. `expires`.
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
    /// What to do about it.
    pub fix: String,
}

/// Collects problems for one record.
pub struct Checker<'a> {
    record: String,
    problems: &'a mut Vec<Invalid>,
}

impl<'a> Checker<'a> {
    pub fn new(record: String, problems: &'a mut Vec<Invalid>) -> Self {
        Checker { record, problems }
    }

    pub fn fail(&mut self, field: &str, problem: impl Into<String>, fix: impl Into<String>) {
        self.problems.push(Invalid {
            record: self.record.clone(),
            field: field.to_string(),
            problem: problem.into(),
            fix: fix.into(),
        });
    }

    /// A stored agreement or activity id, or a reference to one: 1 to [`ID_MAX`].
    pub fn id(&mut self, field: &str, id: u64) {
        if id == 0 || id > ID_MAX {
            self.fail(
                field,
                format!("is {id}, outside 1 to {ID_MAX}"),
                format!(
                    "number records from 1; ids above {ID_MAX} are not kept exactly by every \
                     JSON reader, and 0 means \"new\""
                ),
            );
        }
    }

    /// A one-line name: present, bounded, and free of control characters.
    pub fn name(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(field, "is empty", format!("give the {field} a name"));
            return;
        }
        self.bounded_text(field, value, NAME_MAX, false);
    }

    /// An optional one-line text: bounded and free of control characters.
    pub fn line(&mut self, field: &str, value: &str) {
        self.bounded_text(field, value, NAME_MAX, false);
    }

    /// Free text: line breaks and tabs allowed, other control characters not.
    pub fn text(&mut self, field: &str, value: &str) {
        self.bounded_text(field, value, TEXT_MAX, true);
    }

    fn bounded_text(&mut self, field: &str, value: &str, max: usize, multiline: bool) {
        // Count only up to the limit: a 1 MB field must not cost a full scan twice.
        let count = value.chars().take(max + 1).count();
        if count > max {
            self.fail(
                field,
                format!(
                    "is {} characters long; the limit is {max}",
                    value.chars().count()
                ),
                format!("shorten the {field} to at most {max} characters"),
            );
            return;
        }
        let bad = value
            .chars()
            .find(|&c| is_unsafe_char(c) && !(multiline && matches!(c, '\n' | '\t' | '\r')));
        if let Some(c) = bad {
            let what = if c == '\u{1b}' {
                "an escape character (ESC), which could change the terminal".to_string()
            } else {
                format!("the control character U+{:04X}", c as u32)
            };
            self.fail(
                field,
                format!("contains {what}"),
                format!("remove control characters from the {field}"),
            );
        }
    }

    /// A slug id: lower-case letters, digits and dashes.
    pub fn slug(&mut self, field: &str, value: &str) {
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !ok {
            self.fail(
                field,
                format!("{:?} is not a valid id", display_safe(&clip(value, 70))),
                "use 1 to 64 lower-case letters, digits and dashes, e.g. \"jawa-tengah\"",
            );
        }
    }

    pub fn list_len<T>(&mut self, field: &str, list: &[T]) {
        if list.len() > LIST_MAX {
            self.fail(
                field,
                format!("has {} entries; the limit is {LIST_MAX}", list.len()),
                format!("keep at most {LIST_MAX} entries in {field}"),
            );
        }
    }

    pub fn plausible_date(&mut self, field: &str, date: Option<NaiveDate>) {
        if let Some(date) = date
            && !YEAR_RANGE.contains(&date.year())
        {
            self.fail(
                field,
                format!(
                    "{date} is outside the years {}–{}",
                    YEAR_RANGE.start(),
                    YEAR_RANGE.end()
                ),
                "check the year for a typing mistake",
            );
        }
    }

    pub fn coordinates(&mut self, at: Option<Coordinates>) {
        if let Some(Coordinates { lat, lon }) = at
            && !(lat.is_finite()
                && (-90.0..=90.0).contains(&lat)
                && lon.is_finite()
                && (-180.0..=180.0).contains(&lon))
        {
            self.fail(
                "coordinates",
                format!("({lat}, {lon}) is not a point on Earth"),
                "use decimal degrees: lat -90 to 90, lon -180 to 180",
            );
        }
    }

    pub fn date_order(
        &mut self,
        earlier_field: &str,
        earlier: Option<NaiveDate>,
        later_field: &str,
        later: Option<NaiveDate>,
    ) {
        if let (Some(a), Some(b)) = (earlier, later)
            && b < a
        {
            self.fail(
                later_field,
                format!("{b} is before {earlier_field} {a}"),
                format!("set {later_field} on or after {earlier_field}, or leave it empty"),
            );
        }
    }
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// How a record is named in messages.
pub fn agreement_label(a: &Agreement) -> String {
    format!(
        "agreement {} ({} – {})",
        a.id,
        display_safe(&clip(&a.region, 40)),
        display_safe(&clip(&a.partner, 40))
    )
}

pub fn check_region(r: &Region, problems: &mut Vec<Invalid>) {
    let mut c = Checker::new(
        format!("region {:?}", display_safe(&clip(&r.id, 40))),
        problems,
    );
    c.slug("id", &r.id);
    c.name("name", &r.name);
    c.name("official_name", &r.official_name);
    c.list_len("short_names", &r.short_names);
    for s in &r.short_names {
        c.name("short_names", s);
    }
    c.coordinates(r.coordinates);
    match (r.level, &r.province) {
        (RegionLevel::Province, Some(_)) => c.fail(
            "province",
            "is set on a province",
            "leave `province` null for a province",
        ),
        (RegionLevel::Regency | RegionLevel::City, None) => c.fail(
            "province",
            "is missing for a regency or city",
            "set `province` to the id of the province it belongs to",
        ),
        _ => {}
    }
}

pub fn check_partner(p: &Partner, problems: &mut Vec<Invalid>) {
    let mut c = Checker::new(
        format!("partner {:?}", display_safe(&clip(&p.id, 40))),
        problems,
    );
    c.slug("id", &p.id);
    c.name("name", &p.name);
    c.name("country", &p.country);
    c.line("level", &p.level);
    c.list_len("aliases", &p.aliases);
    for a in &p.aliases {
        c.name("aliases", a);
    }
    c.coordinates(p.coordinates);
}

pub fn check_tag(t: &Tag, problems: &mut Vec<Invalid>) {
    let mut c = Checker::new(
        format!("tag {:?}", display_safe(&clip(&t.id, 40))),
        problems,
    );
    c.slug("id", &t.id);
    c.name("label_id", &t.label_id);
    c.name("label_en", &t.label_en);
}

pub fn check_stage(s: &Stage, problems: &mut Vec<Invalid>) {
    let mut c = Checker::new(
        format!("stage {:?}", display_safe(&clip(&s.id, 40))),
        problems,
    );
    c.slug("id", &s.id);
    c.name("label_id", &s.label_id);
    c.name("label_en", &s.label_en);
}

/// Checks the ids a stored record carries (editors use 0 for "new" until the store numbers
/// the record, so [`check_agreement`] and [`check_activity`] leave ids alone).
pub fn check_ids(record: &Numbered<'_>, problems: &mut Vec<Invalid>) {
    match record {
        Numbered::Agreement(a) => Checker::new(agreement_label(a), problems).id("id", a.id),
        Numbered::Activity(a) => {
            let mut c = Checker::new(activity_label(a), problems);
            c.id("id", a.id);
            c.id("agreement", a.agreement);
        }
        Numbered::Attention(n) => {
            Checker::new(attention_label(n), problems).id("agreement", n.agreement)
        }
    }
}

/// A numbered record, for [`check_ids`].
pub enum Numbered<'a> {
    Agreement(&'a Agreement),
    Activity(&'a Activity),
    Attention(&'a Attention),
}

/// Checks one agreement on its own (references are checked by [`check_references`]).
pub fn check_agreement(a: &Agreement, problems: &mut Vec<Invalid>) {
    let mut c = Checker::new(agreement_label(a), problems);
    c.slug("region", &a.region);
    c.slug("partner", &a.partner);
    c.slug("stage", &a.stage);
    c.plausible_date("signed", a.signed);
    c.plausible_date("expires", a.expires);
    if let (Some(signed), Some(expires)) = (a.signed, a.expires)
        && expires <= signed
    {
        c.fail(
            "expires",
            format!("{expires} is not after the signing date {signed}"),
            "set `expires` after `signed` (an MoU term is usually 5 years), or leave it null",
        );
    }
    c.list_len("renewals", &a.renewals);
    for (i, r) in a.renewals.iter().enumerate() {
        let field = format!("renewals[{i}].expires");
        c.plausible_date("renewals.signed", r.signed);
        c.plausible_date("renewals.expires", r.expires);
        c.date_order(
            &format!("renewals[{i}].signed"),
            r.signed,
            &field,
            r.expires,
        );
        c.date_order(
            &format!("renewals[{i}].signed"),
            r.signed,
            "signed",
            a.signed,
        );
        c.text("renewals.note", &r.note);
    }
    c.list_len("fields", &a.fields);
    for f in &a.fields {
        c.name("fields", f);
    }
    c.list_len("contacts", &a.contacts);
    for contact in &a.contacts {
        c.name("contacts.name", &contact.name);
        c.line("contacts.role", &contact.role);
        c.line("contacts.email", &contact.email);
        c.line("contacts.phone", &contact.phone);
    }
    c.text("notes", &a.notes);
    c.list_len("statuses", &a.statuses);
    for (i, change) in a.statuses.iter().enumerate() {
        c.plausible_date("statuses.on", Some(change.on));
        if i > 0 {
            c.date_order(
                &format!("statuses[{}].on", i - 1),
                Some(a.statuses[i - 1].on),
                &format!("statuses[{i}].on"),
                Some(change.on),
            );
        }
    }
    c.list_len("obstacles", &a.obstacles);
    for (i, span) in a.obstacles.iter().enumerate() {
        c.slug("obstacles.tag", &span.tag);
        c.plausible_date("obstacles.from", Some(span.from));
        c.plausible_date("obstacles.until", span.until);
        if let Some(until) = span.until
            && until <= span.from
        {
            c.fail(
                &format!("obstacles[{i}].until"),
                format!(
                    "{until} is not after the day the tag was set, {}",
                    span.from
                ),
                "set `until` to the day the obstacle was cleared, after `from`, or leave it \
                 null while it holds",
            );
        }
        let overlaps = a.obstacles[..i].iter().any(|other| {
            other.tag == span.tag
                && other.until.is_none_or(|u| span.from < u)
                && span.until.is_none_or(|u| other.from < u)
        });
        if overlaps {
            c.fail(
                &format!("obstacles[{i}]"),
                format!(
                    "tag {:?} is set twice over the same days",
                    display_safe(&span.tag)
                ),
                "give each stretch of time a tag held one entry, with `until` on the earlier",
            );
        }
    }
    c.list_len("assessments", &a.assessments);
    for x in &a.assessments {
        c.plausible_date("assessments.on", Some(x.on));
        for p in Principle::ALL {
            c.text("assessments.note", &x.judgement(p).note);
        }
        c.text("assessments.benefit_region", &x.benefit_region);
        c.text("assessments.benefit_partner", &x.benefit_partner);
        c.text("assessments.fit", &x.fit);
    }
    if let Some(p) = a.reporting.period_months
        && !(1..=120).contains(&p)
    {
        c.fail(
            "reporting.period_months",
            format!("is {p}"),
            "use a period of 1 to 120 months, or null when no periodic report is owed",
        );
    }
    c.list_len("reporting.reports", &a.reporting.reports);
    for r in &a.reporting.reports {
        c.plausible_date("reporting.reports.due", Some(r.due));
        c.plausible_date("reporting.reports.submitted", r.submitted);
    }
}

pub fn activity_label(a: &Activity) -> String {
    format!("activity {} (agreement {}, {})", a.id, a.agreement, a.date)
}

pub fn check_activity(a: &Activity, problems: &mut Vec<Invalid>) {
    let mut c = Checker::new(activity_label(a), problems);
    c.plausible_date("date", Some(a.date));
    c.name("title", &a.title);
    c.text("description", &a.description);
    c.list_len("participants", &a.participants);
    for p in &a.participants {
        c.name("participants", p);
    }
    c.list_len("fields", &a.fields);
    for f in &a.fields {
        c.name("fields", f);
    }
    if let Some(o) = &a.outcome {
        c.text("outcome.text", &o.text);
        c.line("outcome.unit", &o.unit);
        if let Some(v) = o.value
            && !v.is_finite()
        {
            c.fail(
                "outcome.value",
                format!("{v} is not a number"),
                "give the amount as a plain number, e.g. 120000",
            );
        }
        if o.value.is_some() && o.unit.trim().is_empty() {
            c.fail(
                "outcome.unit",
                "is empty while a value is given",
                "say what the value counts, e.g. \"USD\" or \"scholarships\"",
            );
        }
    }
}

/// Known ids an agreement may refer to.
pub struct Known<'a> {
    pub regions: &'a HashMap<&'a str, RegionLevel>,
    pub partners: &'a HashSet<&'a str>,
    pub stages: &'a HashSet<&'a str>,
    pub tags: &'a HashSet<&'a str>,
}

/// Checks that an agreement's region, partner, stage and tags exist.
pub fn check_references(a: &Agreement, known: &Known<'_>, problems: &mut Vec<Invalid>) {
    let mut c = Checker::new(agreement_label(a), problems);
    if !known.regions.contains_key(a.region.as_str()) {
        c.fail(
            "region",
            format!(
                "refers to region {:?}, which does not exist",
                display_safe(&a.region)
            ),
            "add that region under `regions`, or use an existing region id",
        );
    }
    if !known.partners.contains(a.partner.as_str()) {
        c.fail(
            "partner",
            format!(
                "refers to partner {:?}, which does not exist",
                display_safe(&a.partner)
            ),
            "add that partner under `partners`, or use an existing partner id",
        );
    }
    if !known.stages.contains(a.stage.as_str()) {
        c.fail(
            "stage",
            format!("{:?} is not in the stage list", display_safe(&a.stage)),
            "use one of the stage ids listed under `stages` (e.g. \"pelaksanaan\")",
        );
    }
    for span in &a.obstacles {
        let t = &span.tag;
        if !known.tags.contains(t.as_str()) {
            c.fail(
                "obstacles.tag",
                format!("{:?} is not a known obstacle tag", display_safe(t)),
                "use a built-in tag (communication, ownership, regulation, administration, \
                 late-reports, ceremonial) or define it under `tags`",
            );
        }
    }
}

fn duplicates(kind: &str, ids: impl Iterator<Item = String>, problems: &mut Vec<Invalid>) {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id.clone()) {
            problems.push(Invalid {
                record: format!("{kind} {}", display_safe(&id)),
                field: "id".into(),
                problem: "is used by more than one record".into(),
                fix: format!("give each {kind} its own id"),
            });
        }
    }
}

/// Records that exist outside a dataset (in the store it is imported into) and that its
/// records may refer to.
#[derive(Debug, Default)]
pub struct Outside {
    pub regions: HashMap<String, RegionLevel>,
    pub partners: HashSet<String>,
    pub tags: HashSet<String>,
    pub agreements: HashSet<AgreementId>,
}

/// Checks a whole dataset: every record, every reference, and unique ids.
/// Problems are returned in file order, at most `limit` of them.
pub fn check_dataset(d: &Dataset, limit: usize, outside: &Outside) -> Vec<Invalid> {
    let mut problems = Vec::new();
    macro_rules! stop_if_full {
        () => {
            if problems.len() >= limit {
                problems.truncate(limit);
                return problems;
            }
        };
    }
    for s in &d.stages {
        check_stage(s, &mut problems);
    }
    if d.stages.is_empty() {
        problems.push(Invalid {
            record: "stage list".into(),
            field: "stages".into(),
            problem: "is empty".into(),
            fix: "list at least one stage, or leave `stages` out to use the PP 28/2018 list".into(),
        });
    }
    for t in &d.tags {
        check_tag(t, &mut problems);
        if is_builtin_tag(&t.id) {
            problems.push(Invalid {
                record: format!("tag {}", t.id),
                field: "id".into(),
                problem: "is a built-in tag".into(),
                fix: "remove it from `tags`: built-in tags are always available".into(),
            });
        }
    }
    for r in &d.regions {
        check_region(r, &mut problems);
    }
    for p in &d.partners {
        check_partner(p, &mut problems);
    }
    stop_if_full!();
    duplicates(
        "stage",
        d.stages.iter().map(|s| s.id.clone()),
        &mut problems,
    );
    duplicates("tag", d.tags.iter().map(|s| s.id.clone()), &mut problems);
    duplicates(
        "region",
        d.regions.iter().map(|s| s.id.clone()),
        &mut problems,
    );
    duplicates(
        "partner",
        d.partners.iter().map(|s| s.id.clone()),
        &mut problems,
    );
    duplicates(
        "agreement",
        d.agreements.iter().map(|s| s.id.to_string()),
        &mut problems,
    );
    duplicates(
        "activity",
        d.activities.iter().map(|s| s.id.to_string()),
        &mut problems,
    );
    stop_if_full!();

    let regions: HashMap<&str, RegionLevel> = outside
        .regions
        .iter()
        .map(|(id, level)| (id.as_str(), *level))
        .chain(d.regions.iter().map(|r| (r.id.as_str(), r.level)))
        .collect();
    for r in &d.regions {
        if let Some(p) = &r.province
            && regions.get(p.as_str()) != Some(&RegionLevel::Province)
        {
            problems.push(Invalid {
                record: format!("region {}", display_safe(&r.id)),
                field: "province".into(),
                problem: format!("{:?} is not a known province", display_safe(p)),
                fix: "set `province` to the id of a region whose level is \"province\"".into(),
            });
        }
    }
    let partners: HashSet<&str> = outside
        .partners
        .iter()
        .map(String::as_str)
        .chain(d.partners.iter().map(|p| p.id.as_str()))
        .collect();
    let stages: HashSet<&str> = d.stages.iter().map(|s| s.id.as_str()).collect();
    let tags: HashSet<&str> = d
        .tags
        .iter()
        .map(|t| t.id.as_str())
        .chain(super::builtin::BUILTIN_TAG_IDS)
        .chain(outside.tags.iter().map(String::as_str))
        .collect();
    let known = Known {
        regions: &regions,
        partners: &partners,
        stages: &stages,
        tags: &tags,
    };
    for a in &d.agreements {
        check_ids(&Numbered::Agreement(a), &mut problems);
        check_agreement(a, &mut problems);
        check_references(a, &known, &mut problems);
        stop_if_full!();
    }
    let agreements: HashSet<AgreementId> = d
        .agreements
        .iter()
        .map(|a| a.id)
        .chain(outside.agreements.iter().copied())
        .collect();
    for a in &d.activities {
        check_ids(&Numbered::Activity(a), &mut problems);
        check_activity(a, &mut problems);
        if !agreements.contains(&a.agreement) {
            problems.push(Invalid {
                record: activity_label(a),
                field: "agreement".into(),
                problem: format!("refers to agreement {}, which does not exist", a.agreement),
                fix: "use the id of an agreement listed under `agreements`".into(),
            });
        }
        stop_if_full!();
    }
    let mut noted = HashSet::new();
    for n in &d.attention {
        check_ids(&Numbered::Attention(n), &mut problems);
        check_attention(n, &mut problems);
        if !agreements.contains(&n.agreement) {
            problems.push(Invalid {
                record: attention_label(n),
                field: "agreement".into(),
                problem: format!("refers to agreement {}, which does not exist", n.agreement),
                fix: "use the id of an agreement listed under `agreements`".into(),
            });
        }
        if !noted.insert(n.agreement) {
            problems.push(Invalid {
                record: attention_label(n),
                field: "agreement".into(),
                problem: "has more than one entry under `attention`".into(),
                fix: "merge the entries for this agreement into one".into(),
            });
        }
        stop_if_full!();
    }
    problems.truncate(limit);
    problems
}

pub fn attention_label(n: &Attention) -> String {
    format!("triage notes of agreement {}", n.agreement)
}

/// Triage notes: plausible dates, bounded text, a named owner and step for each follow-up.
pub fn check_attention(n: &Attention, problems: &mut Vec<Invalid>) {
    let mut c = Checker::new(attention_label(n), problems);
    c.plausible_date("decided", n.decided);
    c.list_len("past_decisions", &n.past_decisions);
    for p in &n.past_decisions {
        c.plausible_date("past_decisions.decided", p.decided);
        c.plausible_date("past_decisions.until", Some(p.until));
        c.date_order(
            "past_decisions.decided",
            p.decided,
            "past_decisions.until",
            Some(p.until),
        );
    }
    c.plausible_date("snoozed_until", n.snoozed_until);
    c.plausible_date("snoozed_on", n.snoozed_on);
    c.text("snooze_note", &n.snooze_note);
    c.list_len("follow_ups", &n.follow_ups);
    for f in &n.follow_ups {
        c.name("follow_ups.owner", &f.owner);
        c.plausible_date("follow_ups.due", Some(f.due));
        c.plausible_date("follow_ups.done", f.done);
        c.plausible_date("follow_ups.noted", f.noted);
        if f.next_step.trim().is_empty() {
            c.fail(
                "follow_ups.next_step",
                "is empty",
                "say what the next step is, e.g. \"send the draft MoU to the partner\"",
            );
        } else {
            c.text("follow_ups.next_step", &f.next_step);
        }
    }
}
