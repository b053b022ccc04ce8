//! The records kembar keeps: regions, partners, agreements, activities, tags and stages.
//!
//! These types are both the in-memory model and the shape of the JSON interchange file, so
//! every field is public and serde-derived. Stored values use the same derives with a compact
//! binary codec; that codec cannot skip fields, which is why optional values are `Option`
//! written out as `null` rather than omitted.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates;

/// Agreements and activities are numbered; regions, partners, tags and stages use short
/// readable slugs because people type them in files and on the command line.
pub type AgreementId = u64;
pub type ActivityId = u64;

/// The administrative level of an Indonesian regional government (Pemda).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// Provinsi.
    Province,
    /// Kabupaten.
    Regency,
    /// Kota.
    City,
}

/// An Indonesian province, regency or city.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Slug, e.g. `jawa-tengah`, `kota-surabaya`.
    pub id: String,
    /// The name people say: "Jawa Tengah", "Surabaya".
    pub name: String,
    /// The name on letters: "Provinsi Jawa Tengah", "Kota Surabaya".
    pub official_name: String,
    pub level: RegionLevel,
    /// The province a regency or city belongs to; `None` for a province.
    #[serde(default)]
    pub province: Option<String>,
    /// Short forms in common use: "Jateng", "DIY".
    #[serde(default)]
    pub short_names: Vec<String>,
    /// The seat of government.
    #[serde(default)]
    pub coordinates: Option<Coordinates>,
}

/// A point on the globe, in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

/// A foreign regional government: a state, province, prefecture, city...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// Slug, e.g. `fujian`, `queensland`.
    pub id: String,
    /// Name in Latin script as Indonesian coordinators write it.
    pub name: String,
    pub country: String,
    /// What the partner is at home: "province", "state", "prefecture", "city"...
    #[serde(default)]
    pub level: String,
    /// Other names, including the name in the partner's own script (福建省, 충청북도).
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub coordinates: Option<Coordinates>,
}

/// What sort of relationship an agreement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    SisterProvince,
    SisterCity,
    /// KSDPL "kerja sama lainnya": cooperation with a specific scope.
    OtherCooperation,
}

impl AgreementKind {
    pub const ALL: [AgreementKind; 3] = [
        AgreementKind::SisterProvince,
        AgreementKind::SisterCity,
        AgreementKind::OtherCooperation,
    ];
}

/// Where an agreement stands on a given day. `Active` and `Expired` normally follow from the
/// MoU's dates; the others are recorded by a coordinator, with the day, as a [`StatusChange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Proposed,
    Active,
    Dormant,
    Expired,
    RenewalInProgress,
    Terminated,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Proposed,
        Status::Active,
        Status::Dormant,
        Status::Expired,
        Status::RenewalInProgress,
        Status::Terminated,
    ];
}

/// A status recorded by a coordinator, and from when it holds.
///
/// Recorded statuses hold until the next change, except that a signing after the change
/// ends a `proposed`, `renewal_in_progress`, `dormant` or `expired` status (the MoU is in
/// force again), and that an MoU whose term has ended is expired even if it was recorded as
/// dormant. Recording `active` returns the agreement to what its dates say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: Status,
    #[serde(with = "dates::required")]
    pub on: NaiveDate,
}

/// An obstacle tag on an agreement over a stretch of time: set on `from`, cleared on `until`
/// (the tag no longer holds that day), or still set when `until` is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagSpan {
    pub tag: String,
    #[serde(with = "dates::required")]
    pub from: NaiveDate,
    #[serde(with = "dates::optional", default)]
    pub until: Option<NaiveDate>,
}

impl TagSpan {
    /// Whether the tag holds on `day`: set by then and not yet cleared.
    pub fn holds_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| day < u)
    }
}

/// How one of the four principles (aman secara politis, yuridis, teknis, keamanan) was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    #[default]
    NotAssessed,
    Safe,
    Concerns,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::NotAssessed, Verdict::Safe, Verdict::Concerns];
}

/// One principle's verdict with the reasoning behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judgement {
    #[serde(default)]
    pub verdict: Verdict,
    #[serde(default)]
    pub note: String,
}

/// The four principles every cooperation with a foreign party must be safe on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principle {
    Political,
    Juridical,
    Technical,
    Security,
}

impl Principle {
    pub const ALL: [Principle; 4] = [
        Principle::Political,
        Principle::Juridical,
        Principle::Technical,
        Principle::Security,
    ];
}

/// A dated assessment (kajian) of an agreement's term: the four principles and mutual
/// benefit, judged against the region's authority, needs, potential and priorities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// When it was made.
    #[serde(with = "dates::required")]
    pub on: NaiveDate,
    #[serde(default)]
    pub political: Judgement,
    #[serde(default)]
    pub juridical: Judgement,
    #[serde(default)]
    pub technical: Judgement,
    #[serde(default)]
    pub security: Judgement,
    /// What the region gains.
    #[serde(default)]
    pub benefit_region: String,
    /// What the partner gains.
    #[serde(default)]
    pub benefit_partner: String,
    /// How it fits the region's authority, needs, potential and priorities.
    #[serde(default)]
    pub fit: String,
}

impl Assessment {
    pub fn new(on: NaiveDate) -> Assessment {
        Assessment {
            on,
            political: Judgement::default(),
            juridical: Judgement::default(),
            technical: Judgement::default(),
            security: Judgement::default(),
            benefit_region: String::new(),
            benefit_partner: String::new(),
            fit: String::new(),
        }
    }

    pub fn judgement(&self, p: Principle) -> &Judgement {
        match p {
            Principle::Political => &self.political,
            Principle::Juridical => &self.juridical,
            Principle::Technical => &self.technical,
            Principle::Security => &self.security,
        }
    }

    pub fn judgement_mut(&mut self, p: Principle) -> &mut Judgement {
        match p {
            Principle::Political => &mut self.political,
            Principle::Juridical => &mut self.juridical,
            Principle::Technical => &mut self.technical,
            Principle::Security => &mut self.security,
        }
    }
}

/// A previous term of the MoU, kept when the agreement is renewed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renewal {
    #[serde(with = "dates::optional", default)]
    pub signed: Option<NaiveDate>,
    #[serde(with = "dates::optional", default)]
    pub expires: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
}

/// Which side of the relationship a contact works for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Indonesia,
    Partner,
}

/// A focal person for the agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub side: Side,
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// One report owed to the Ministry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDue {
    #[serde(with = "dates::required")]
    pub due: NaiveDate,
    #[serde(with = "dates::optional", default)]
    pub submitted: Option<NaiveDate>,
}

/// The reporting duty of an agreement: how often, and each report's due and submitted dates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reporting {
    /// Months between reports; `None` when no periodic report is owed.
    #[serde(default)]
    pub period_months: Option<u32>,
    #[serde(default)]
    pub reports: Vec<ReportDue>,
}

/// One sister relationship between an Indonesian region and a foreign partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub id: AgreementId,
    /// Region id.
    pub region: String,
    /// Partner id.
    pub partner: String,
    pub kind: AgreementKind,
    /// Statuses recorded by coordinators, in date order (see [`StatusChange`]); the status
    /// on a day is [`Agreement::status_on`].
    #[serde(default)]
    pub statuses: Vec<StatusChange>,
    /// Stage id from the stage list.
    pub stage: String,
    /// When the MoU in force was signed.
    #[serde(with = "dates::optional", default)]
    pub signed: Option<NaiveDate>,
    /// When the MoU in force ends.
    #[serde(with = "dates::optional", default)]
    pub expires: Option<NaiveDate>,
    /// Earlier terms of the MoU, oldest first.
    #[serde(default)]
    pub renewals: Vec<Renewal>,
    /// Fields of cooperation (bidang kerja sama): education, culture, tourism...
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub notes: String,
    /// Obstacle tags set by hand, each over the time it held, in the order they were set.
    #[serde(default)]
    pub obstacles: Vec<TagSpan>,
    #[serde(default)]
    pub reporting: Reporting,
    /// Assessments (kajian) of the agreement, in date order.
    #[serde(default)]
    pub assessments: Vec<Assessment>,
}

impl Agreement {
    /// An agreement with only its parties and stage set: unsigned, proposed, with nothing
    /// else recorded yet.
    pub fn new(id: AgreementId, region: &str, partner: &str, stage: &str) -> Agreement {
        Agreement {
            id,
            region: region.to_string(),
            partner: partner.to_string(),
            kind: AgreementKind::SisterCity,
            statuses: Vec::new(),
            stage: stage.to_string(),
            signed: None,
            expires: None,
            renewals: Vec::new(),
            fields: Vec::new(),
            contacts: Vec::new(),
            notes: String::new(),
            obstacles: Vec::new(),
            reporting: Reporting::default(),
            assessments: Vec::new(),
        }
    }
}

/// What happened on an activity's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Visit,
    Meeting,
    Exchange,
    Training,
    TradeMission,
    ReportSubmitted,
    MouSigned,
    MouRenewed,
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 9] = [
        ActivityKind::Visit,
        ActivityKind::Meeting,
        ActivityKind::Exchange,
        ActivityKind::Training,
        ActivityKind::TradeMission,
        ActivityKind::ReportSubmitted,
        ActivityKind::MouSigned,
        ActivityKind::MouRenewed,
        ActivityKind::Other,
    ];
}

/// A dated entry on an agreement's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub id: ActivityId,
    /// The agreement whose timeline this entry belongs to.
    pub agreement: AgreementId,
    #[serde(with = "dates::required")]
    pub date: NaiveDate,
    pub kind: ActivityKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub participants: Vec<String>,
    /// The fields of cooperation the activity served.
    #[serde(default)]
    pub fields: Vec<String>,
    /// What came of it, when recorded.
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

/// What an activity achieved: in words, and in figures where there are some.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    #[serde(default)]
    pub text: String,
    /// How many people took part (students exchanged, officials trained...).
    #[serde(default)]
    pub participants: Option<u32>,
    /// An amount, with its unit in `unit`: 120000 "USD", 40 "tonnes", 3 "scholarships".
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: String,
}

/// An obstacle tag: the six named at the 2019 evaluation meeting, or one a user defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub id: String,
    pub label_id: String,
    pub label_en: String,
}

/// A lifecycle stage of a KSDPL agreement. The list is data because regulations change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub label_id: String,
    pub label_en: String,
}

/// What an evaluation meeting decided to do about an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Sign a new MoU (pembaruan).
    Renewal,
    /// Bring the programmes back to life (revitalisasi).
    Revitalization,
    /// End the relationship.
    ProposeTermination,
}

impl Decision {
    pub const ALL: [Decision; 3] = [
        Decision::Renewal,
        Decision::Revitalization,
        Decision::ProposeTermination,
    ];
}

/// A next step someone owns, with a date it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// Who does it: a person or an office.
    pub owner: String,
    #[serde(with = "dates::required")]
    pub due: NaiveDate,
    pub next_step: String,
    /// When it was done; open until then.
    #[serde(with = "dates::optional", default)]
    pub done: Option<NaiveDate>,
    /// When it was agreed; empty when not known (follow-ups kept before dates were).
    #[serde(with = "dates::optional", default)]
    pub noted: Option<NaiveDate>,
}

/// A decision that no longer holds: taken on `decided`, replaced or taken back on `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastDecision {
    pub decision: Decision,
    #[serde(with = "dates::optional", default)]
    pub decided: Option<NaiveDate>,
    #[serde(with = "dates::required")]
    pub until: NaiveDate,
}

/// What triage decided about one agreement and what follows from it. At most one per
/// agreement; kept apart from the agreement so that a meeting's notes never collide with an
/// edit of the agreement itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attention {
    pub agreement: AgreementId,
    #[serde(default)]
    pub decision: Option<Decision>,
    /// When the decision was taken.
    #[serde(with = "dates::optional", default)]
    pub decided: Option<NaiveDate>,
    /// Earlier decisions, oldest first, so that a past meeting can be seen as it was.
    #[serde(default)]
    pub past_decisions: Vec<PastDecision>,
    /// Out of the triage queue until this day (exclusive).
    #[serde(with = "dates::optional", default)]
    pub snoozed_until: Option<NaiveDate>,
    /// When it was snoozed; empty when not known.
    #[serde(with = "dates::optional", default)]
    pub snoozed_on: Option<NaiveDate>,
    /// Why it was snoozed.
    #[serde(default)]
    pub snooze_note: String,
    #[serde(default)]
    pub follow_ups: Vec<FollowUp>,
}

impl Attention {
    pub fn new(agreement: AgreementId) -> Attention {
        Attention {
            agreement,
            decision: None,
            decided: None,
            past_decisions: Vec::new(),
            snoozed_until: None,
            snoozed_on: None,
            snooze_note: String::new(),
            follow_ups: Vec::new(),
        }
    }

    /// Nothing decided (now or before), snoozed or to follow up: the record can go.
    pub fn is_empty(&self) -> bool {
        self.decision.is_none()
            && self.past_decisions.is_empty()
            && self.snoozed_until.is_none()
            && self.follow_ups.is_empty()
    }

    /// Whether the agreement is out of the queue on `today`.
    pub fn snoozed_on(&self, today: NaiveDate) -> bool {
        self.snoozed_until.is_some_and(|until| today < until)
    }

    /// Open follow-ups due on or before `day`, earliest first.
    pub fn due_by(&self, day: NaiveDate) -> Vec<&FollowUp> {
        let mut due: Vec<&FollowUp> = self
            .follow_ups
            .iter()
            .filter(|f| f.done.is_none() && f.due <= day)
            .collect();
        due.sort_by_key(|f| f.due);
        due
    }
}
