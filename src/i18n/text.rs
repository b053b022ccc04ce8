//! The words kembar uses, in Bahasa Indonesia and English. Every label, message and error a
//! user reads comes from here, so a missing translation is a compile error, not a mixed screen.

use crate::domain::{ActivityKind, AgreementKind, Health, Side, Status};
use crate::i18n::Lang;

/// A piece of interface text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum T {
    AppSubtitle,
    Agreements,
    Today,
    Regions,
    Relationships,
    Detail,
    Partner,
    Country,
    Kind,
    Status,
    Stage,
    Signed,
    Expires,
    DaysQuiet,
    Obstacles,
    Fields,
    Contacts,
    Notes,
    Reports,
    ReportEvery,
    Months,
    Due,
    Submitted,
    NotSubmitted,
    Late,
    Renewals,
    Timeline,
    ActivityPerYear,
    NoActivity,
    NoAgreements,
    NoRegionSelected,
    Loading,
    Never,
    Days,
    SortBy,
    SortName,
    SortCount,
    SortTrouble,
    HelpTitle,
    HelpClose,
    KeyMove,
    KeyPane,
    KeyOpen,
    KeyBack,
    KeyTopBottom,
    KeyPage,
    KeyHelp,
    KeyCopy,
    KeySort,
    KeyQuit,
    KeyFilter,
    KeyTriage,
    TriageTitle,
    TriageStatus,
    TriageExpiring,
    TriageNeedRenewal,
    TriageNeedRevitalization,
    TriageQueue,
    TriageObstacles,
    TriageDerived,
    TriageEmpty,
    Severity,
    Recommendation,
    Reasons,
    KeyFinder,
    KeyChoose,
    KeyCancel,
    KeyDeleteBack,
    KeyDeleteWord,
    KeyClear,
    FinderTitle,
    FinderIndexing,
    FinderNoMatch,
    Copied,
    WelcomeTitle,
    WelcomeBody,
    TooSmall,
    Province,
    Regency,
    City,
    Participants,
    HealthLegend,
    KeyEdit,
    KeyNew,
    KeyLogActivity,
    KeyTags,
    KeyAdvanceStage,
    KeyRenew,
    KeyDelete,
    KeyUndo,
    KeyField,
    KeySave,
    KeyFieldOrChoice,
    KeyAccept,
    KeyCursor,
    KeyLineEnds,
    KeyDeleteForward,
    KeyReload,
    KeyToggle,
    KeyNewTag,
    Saved,
    Undone,
    Redone,
    NothingToUndo,
    NothingToRedo,
    NoSelection,
    LastStage,
    Saving,
    DiscardAsk,
    ConflictKeys,
    TagsTitle,
    NewTagLabel,
    ReadOnly,
    KeyMarkRenewal,
    KeyMarkRevitalization,
    KeyProposeTermination,
    KeySnooze,
    KeyFollowUp,
    KeyFollowUpDone,
    KeyClearMarks,
    TriageSnoozed,
    NoFollowUpDue,
}

impl T {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        let (id, en) = match self {
            T::AppSubtitle => (
                "kerja sama sister city/province",
                "sister city/province cooperation",
            ),
            T::Agreements => ("kerja sama", "agreements"),
            T::Today => ("per", "as of"),
            T::Regions => ("Wilayah", "Regions"),
            T::Relationships => ("Kerja sama", "Relationships"),
            T::Detail => ("Rincian", "Detail"),
            T::Partner => ("Mitra", "Partner"),
            T::Country => ("Negara", "Country"),
            T::Kind => ("Jenis", "Kind"),
            T::Status => ("Status", "Status"),
            T::Stage => ("Tahap", "Stage"),
            T::Signed => ("Ditandatangani", "Signed"),
            T::Expires => ("Berakhir", "Expires"),
            T::DaysQuiet => ("Hari sepi", "Quiet days"),
            T::Obstacles => ("Hambatan", "Obstacles"),
            T::Fields => ("Bidang", "Fields"),
            T::Contacts => ("Narahubung", "Contacts"),
            T::Notes => ("Catatan", "Notes"),
            T::Reports => ("Laporan", "Reports"),
            T::ReportEvery => ("setiap", "every"),
            T::Months => ("bulan", "months"),
            T::Due => ("jatuh tempo", "due"),
            T::Submitted => ("diserahkan", "submitted"),
            T::NotSubmitted => ("belum diserahkan", "not submitted"),
            T::Late => ("terlambat", "late"),
            T::Renewals => ("Riwayat MoU", "MoU history"),
            T::Timeline => ("Linimasa kegiatan", "Activity timeline"),
            T::ActivityPerYear => ("Kegiatan per tahun", "Activities per year"),
            T::NoActivity => ("Belum ada kegiatan tercatat.", "No activity recorded."),
            T::NoAgreements => (
                "Wilayah ini belum punya kerja sama.",
                "This region has no agreements.",
            ),
            T::NoRegionSelected => ("Pilih wilayah.", "Choose a region."),
            T::Loading => ("memuat…", "loading…"),
            T::Never => ("belum pernah", "never"),
            T::Days => ("hari", "days"),
            T::SortBy => ("urut", "sort"),
            T::SortName => ("nama", "name"),
            T::SortCount => ("jumlah", "count"),
            T::SortTrouble => ("paling bermasalah", "most troubled"),
            T::HelpTitle => ("Tombol", "Keys"),
            T::HelpClose => ("Esc atau ? untuk menutup", "Esc or ? closes"),
            T::KeyMove => ("gerak", "move"),
            T::KeyPane => ("panel", "pane"),
            T::KeyOpen => ("buka", "open"),
            T::KeyBack => ("kembali", "back"),
            T::KeyTopBottom => ("awal/akhir", "top/bottom"),
            T::KeyPage => ("halaman", "page"),
            T::KeyHelp => ("bantuan", "help"),
            T::KeyCopy => ("salin ringkasan", "copy summary"),
            T::KeySort => ("urutkan wilayah", "sort regions"),
            T::KeyQuit => ("keluar", "quit"),
            T::KeyFilter => ("saring", "filter"),
            T::KeyTriage => ("antrean triase", "triage queue"),
            T::TriageTitle => ("Triase kerja sama", "Triage"),
            T::TriageStatus => ("Status", "Status"),
            T::TriageExpiring => ("berakhir dalam", "expiring within"),
            T::TriageNeedRenewal => ("perlu pembaharuan", "needing renewal"),
            T::TriageNeedRevitalization => ("perlu revitalisasi", "needing revitalization"),
            T::TriageQueue => ("dalam antrean", "in the queue"),
            T::TriageObstacles => ("Hambatan", "Obstacles"),
            T::TriageDerived => ("dari laporan terlambat", "from late reports"),
            T::TriageEmpty => (
                "Tidak ada yang perlu ditindaklanjuti.",
                "Nothing needs attention.",
            ),
            T::Severity => ("Bobot", "Sev"),
            T::Recommendation => ("Saran", "Advice"),
            T::Reasons => ("Alasan", "Reasons"),
            T::KeyFinder => ("cari di mana saja", "jump anywhere"),
            T::KeyChoose => ("pilih", "choose"),
            T::KeyCancel => ("batal", "cancel"),
            T::KeyDeleteBack => ("hapus huruf", "delete a character"),
            T::KeyDeleteWord => ("hapus kata", "delete a word"),
            T::KeyClear => ("kosongkan", "clear"),
            T::KeyMarkRenewal => ("pembaharuan", "renewal"),
            T::KeyMarkRevitalization => ("revitalisasi", "revitalization"),
            T::KeyProposeTermination => ("akhiri?", "terminate?"),
            T::KeySnooze => ("tunda", "snooze"),
            T::KeyFollowUp => ("tindak lanjut", "follow-up"),
            T::KeyFollowUpDone => ("tindak lanjut selesai", "follow-up done"),
            T::KeyClearMarks => ("hapus tanda dan tunda", "clear mark and snooze"),
            T::TriageSnoozed => ("ditunda", "snoozed"),
            T::NoFollowUpDue => ("Tidak ada tindak lanjut terbuka", "No open follow-up"),
            T::KeyEdit => ("ubah", "edit"),
            T::KeyNew => ("kerja sama baru", "new agreement"),
            T::KeyLogActivity => ("catat kegiatan", "log activity"),
            T::KeyTags => ("tag hambatan", "obstacle tags"),
            T::KeyAdvanceStage => ("tahap berikutnya", "next stage"),
            T::KeyRenew => ("perpanjang MoU", "renew the MoU"),
            T::KeyDelete => ("hapus", "delete"),
            T::KeyUndo => ("urungkan / ulangi", "undo / redo"),
            T::KeyField => ("isian berikut/sebelum", "next/previous field"),
            T::KeySave => ("simpan", "save"),
            T::KeyFieldOrChoice => ("isian atau pilihan", "field or completion"),
            T::KeyAccept => ("pilih / lanjut", "choose / next"),
            T::KeyCursor => ("geser kursor / pilihan", "move cursor / cycle choice"),
            T::KeyLineEnds => ("akhir / awal baris", "end / start of line"),
            T::KeyDeleteForward => ("hapus ke kanan", "delete forward"),
            T::KeyReload => ("muat ulang dari penyimpanan", "reload from the store"),
            T::KeyToggle => ("centang", "check"),
            T::KeyNewTag => ("tag baru", "new tag"),
            T::Saved => ("Tersimpan", "Saved"),
            T::Undone => ("Diurungkan", "Undone"),
            T::Redone => ("Diulangi", "Redone"),
            T::NothingToUndo => ("Tidak ada yang bisa diurungkan", "Nothing to undo"),
            T::NothingToRedo => ("Tidak ada yang bisa diulangi", "Nothing to redo"),
            T::NoSelection => ("Pilih kerja sama dulu", "Select an agreement first"),
            T::LastStage => ("Sudah di tahap terakhir", "Already at the last stage"),
            T::Saving => ("Menyimpan…", "Saving…"),
            T::DiscardAsk => (
                "Buang perubahan? y = buang, tombol lain = lanjut mengisi",
                "Discard your changes? y = discard, any other key = keep editing",
            ),
            T::ConflictKeys => (
                "Ctrl-l muat ulang versi mereka · Esc lanjut mengisi (Ctrl-s menimpa)",
                "Ctrl-l reload theirs · Esc keep editing (then Ctrl-s replaces theirs)",
            ),
            T::TagsTitle => ("Tag hambatan", "Obstacle tags"),
            T::NewTagLabel => ("Label tag baru", "New tag label"),
            T::ReadOnly => ("Sesi ini hanya-baca", "This session is read-only"),
            T::FinderTitle => ("Cari", "Find"),
            T::FinderIndexing => ("menyiapkan indeks pencarian…", "building the search index…"),
            T::FinderNoMatch => ("Tidak ada yang cocok.", "Nothing matches."),
            T::Copied => (
                "Ringkasan disalin ke papan klip (OSC 52).",
                "Summary copied to the clipboard (OSC 52).",
            ),
            T::WelcomeTitle => ("Selamat datang di kembar", "Welcome to kembar"),
            T::WelcomeBody => (
                "Penyimpanan ini masih kosong.\n\nImpor data:   kembar import FILE.json\nCoba demo:    kembar --demo\n\nFormat berkas dijelaskan di README.md (bagian \"Data format\").\nTekan q untuk keluar.",
                "This store is empty.\n\nImport data:  kembar import FILE.json\nTry the demo: kembar --demo\n\nThe file format is described in README.md (section \"Data format\").\nPress q to quit.",
            ),
            T::TooSmall => (
                "Perbesar terminal sampai paling sedikit",
                "Enlarge the terminal to at least",
            ),
            T::Province => ("provinsi", "province"),
            T::Regency => ("kabupaten", "regency"),
            T::City => ("kota", "city"),
            T::Participants => ("Peserta", "Participants"),
            T::HealthLegend => (
                "● aktif  ○ sepi  × berakhir",
                "● active  ○ quiet  × expired",
            ),
        };
        match lang {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

pub fn status(s: Status, lang: Lang) -> &'static str {
    let (id, en) = match s {
        Status::Proposed => ("diusulkan", "proposed"),
        Status::Active => ("aktif", "active"),
        Status::Dormant => ("tidak aktif", "dormant"),
        Status::Expired => ("berakhir", "expired"),
        Status::RenewalInProgress => ("dalam pembaruan", "renewing"),
        Status::Terminated => ("dihentikan", "terminated"),
    };
    pick(lang, id, en)
}

pub fn kind(k: AgreementKind, lang: Lang) -> &'static str {
    let (id, en) = match k {
        AgreementKind::SisterProvince => ("provinsi kembar", "sister province"),
        AgreementKind::SisterCity => ("kota kembar", "sister city"),
        AgreementKind::OtherCooperation => ("kerja sama lain", "other cooperation"),
    };
    pick(lang, id, en)
}

/// A kind in at most five cells, for table columns.
pub fn kind_short(k: AgreementKind, lang: Lang) -> &'static str {
    let (id, en) = match k {
        AgreementKind::SisterProvince => ("prov", "prov"),
        AgreementKind::SisterCity => ("kota", "city"),
        AgreementKind::OtherCooperation => ("lain", "other"),
    };
    pick(lang, id, en)
}

pub fn activity_kind(k: ActivityKind, lang: Lang) -> &'static str {
    let (id, en) = match k {
        ActivityKind::Visit => ("kunjungan", "visit"),
        ActivityKind::Meeting => ("rapat", "meeting"),
        ActivityKind::Exchange => ("pertukaran", "exchange"),
        ActivityKind::Training => ("pelatihan", "training"),
        ActivityKind::TradeMission => ("misi dagang", "trade mission"),
        ActivityKind::ReportSubmitted => ("laporan", "report"),
        ActivityKind::MouSigned => ("MoU ditandatangani", "MoU signed"),
        ActivityKind::MouRenewed => ("MoU diperbarui", "MoU renewed"),
        ActivityKind::Other => ("lainnya", "other"),
    };
    pick(lang, id, en)
}

pub fn health(h: Health, lang: Lang) -> &'static str {
    let (id, en) = match h {
        Health::Active => ("aktif", "active"),
        Health::Quiet => ("sepi", "quiet"),
        Health::Expired => ("berakhir", "expired"),
    };
    pick(lang, id, en)
}

/// The mark drawn for a health state. Shapes differ, so the marks read without colour.
pub fn health_mark(h: Health) -> &'static str {
    match h {
        Health::Active => "●",
        Health::Quiet => "○",
        Health::Expired => "×",
    }
}

pub fn side(s: Side, lang: Lang) -> &'static str {
    match s {
        Side::Indonesia => "ID",
        Side::Partner => pick(lang, "mitra", "partner"),
    }
}

fn pick(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}
