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

/// Where an agreement stands, as recorded by a coordinator.
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
    pub status: Status,
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
    /// Obstacle tag ids set by hand.
    #[serde(default)]
    pub obstacles: Vec<String>,
    #[serde(default)]
    pub reporting: Reporting,
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
            status: Status::Proposed,
            stage: stage.to_string(),
            signed: None,
            expires: None,
            renewals: Vec::new(),
            fields: Vec::new(),
            contacts: Vec::new(),
            notes: String::new(),
            obstacles: Vec::new(),
            reporting: Reporting::default(),
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
    /// Out of the triage queue until this day (exclusive).
    #[serde(with = "dates::optional", default)]
    pub snoozed_until: Option<NaiveDate>,
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
            snoozed_until: None,
            snooze_note: String::new(),
            follow_ups: Vec::new(),
        }
    }

    /// Nothing decided, snoozed or to follow up: the record can go.
    pub fn is_empty(&self) -> bool {
        self.decision.is_none() && self.snoozed_until.is_none() && self.follow_ups.is_empty()
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
