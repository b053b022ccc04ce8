//! The defaults every store starts with: the six obstacle tags named at the Ministry's 2019
//! evaluation meeting, and the KSDPL stages that regional regulations list after PP 28/2018.
//! Both are data: a store or an import file may add tags and replace the stage list.

use super::model::{Stage, Tag};

/// Ids of the built-in obstacle tags, in the order the meeting listed them.
pub const BUILTIN_TAG_IDS: [&str; 6] = [
    "communication",
    "ownership",
    "regulation",
    "administration",
    "late-reports",
    "ceremonial",
];

/// The id of the tag that late or missing reports derive automatically.
pub const LATE_REPORTS_TAG: &str = "late-reports";

pub fn builtin_tags() -> Vec<Tag> {
    let labels = [
        ("Kurangnya komunikasi", "Lack of communication"),
        ("Rendahnya sense of ownership", "Low sense of ownership"),
        ("Minimnya pemahaman regulasi", "Little grasp of the rules"),
        ("Tidak tertib administrasi", "Administrative disorder"),
        ("Laporan tidak tepat waktu", "Reports not on time"),
        (
            "Penandatanganan MoU hanya seremonial",
            "Ceremonial-only MoU",
        ),
    ];
    BUILTIN_TAG_IDS
        .iter()
        .zip(labels)
        .map(|(id, (label_id, label_en))| Tag {
            id: (*id).to_string(),
            label_id: label_id.to_string(),
            label_en: label_en.to_string(),
        })
        .collect()
}

pub fn is_builtin_tag(id: &str) -> bool {
    BUILTIN_TAG_IDS.contains(&id)
}

/// The KSDPL stages, from initiative to reporting.
pub fn default_stages() -> Vec<Stage> {
    [
        ("prakarsa", "Prakarsa", "Initiative"),
        ("penjajakan", "Penjajakan", "Exploration"),
        (
            "pernyataan-kehendak",
            "Pernyataan Kehendak Kerja Sama",
            "Letter of intent",
        ),
        (
            "rencana-kerja-sama",
            "Penyusunan Rencana Kerja Sama",
            "Cooperation plan",
        ),
        (
            "persetujuan-dprd",
            "Persetujuan DPRD",
            "Parliament approval",
        ),
        ("verifikasi", "Verifikasi", "Central verification"),
        (
            "rancangan-naskah",
            "Penyusunan Rancangan Naskah Kerja Sama",
            "Draft agreement text",
        ),
        ("penandatanganan", "Penandatanganan", "Signing"),
        ("pelaksanaan", "Pelaksanaan", "Implementation"),
        ("pelaporan", "Pelaporan", "Reporting"),
    ]
    .into_iter()
    .map(|(id, label_id, label_en)| Stage {
        id: id.to_string(),
        label_id: label_id.to_string(),
        label_en: label_en.to_string(),
    })
    .collect()
}
