//! The words kembar uses, in Bahasa Indonesia and English. Every label, message and error a
//! user reads comes from here, so a missing translation is a compile error, not a mixed screen.

use chrono::NaiveDate;

use crate::domain::dates::DateError;
use crate::domain::text::display_safe;
use crate::domain::triage::{Reason, Recommendation};
use crate::domain::{ActivityKind, AgreementKind, Decision, Health, Side, Status};
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
    KeyTagsDay,
    StatusSince,
    TagsDated,
    TagsDayKey,
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
    KeyRedraw,
    QuietShort,
    AddsToTheirs,
    AgreementGone,
    AgreementWord,
    Agreement,
    ContactNameEmpty,
    ContactTooManyParts,
    Date,
    DeletedByOthers,
    Description,
    DiscardAndQuitAsk,
    DueField,
    EditTitle,
    FieldContactOurs,
    FieldContactTheirs,
    FieldCountryNew,
    FieldFieldsList,
    FieldParticipantsList,
    FollowUpTitle,
    KeyClearFilter,
    KeyCloseHelp,
    KeyKeepFilter,
    LogActivityTitle,
    NewAgreement,
    NewPartnerNote,
    NextSaveReplaces,
    NextStep,
    NotHere,
    NotYetDue,
    Note,
    NothingMatches,
    NothingToClear,
    ObstacleTag,
    Overdue,
    Owner,
    PartnerEmpty,
    ReadOnlyMark,
    OutsideScopeMark,
    ScopeMark,
    Region,
    Reloaded,
    RenewTitle,
    Required,
    SnoozeTitle,
    SnoozeUntil,
    TagLabelEmpty,
    TagsOnTop,
    Title,
    Why,
    KeyMap,
    KeyMapCountry,
    KeyTrends,
    KeyNextPartner,
    KeyZoom,
    KeyZoomIn,
    KeyPan,
    KeyResetView,
    KeyWholeCountry,
    WholeCountry,
    MapLegendRegion,
    MapSelected,
    MapPartners,
    MapCountries,
    MapNotOnMap,
    MapNoPartners,
    MapOffView,
    TrendsTitle,
    TrendsYear,
    TrendsSigned,
    TrendsRenewed,
    TrendsInForce,
    TrendsExpired,
    TrendsActivities,
    TrendsEmpty,
    TrendsChartInForce,
    TrendsChartActivities,
    TrendsToDate,
    FieldPartnerPlace,
    FieldSeat,
    MapHowToSeat,
    MapHowToPlace,
    SeatTitle,
    SeatNote,
    KeyEditSeat,
    NoRegion,
    ActivityFieldsLabel,
    OutcomeLabel,
    OutcomePeopleLabel,
    OutcomeValueLabel,
    OutcomeUnitLabel,
    OutcomeValueMissing,
    AssessTitle,
    AssessedOn,
    Political,
    Juridical,
    Technical,
    Security,
    PrincipleNote,
    BenefitRegion,
    BenefitPartner,
    Fit,
    KeyAssess,
    KeyBrief,
    FieldsPursued,
    OutsideMou,
    Assessment,
    NotAssessedYet,
    Achievements,
    Brief,
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
            T::TriageNeedRenewal => ("perlu pembaruan", "needing renewal"),
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
            T::KeyMarkRenewal => ("pembaruan", "renewal"),
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
            T::KeyTagsDay => ("tanggal", "date"),
            T::StatusSince => ("Status sejak", "Status since"),
            T::TagsDated => ("Berlaku sejak", "Dated"),
            T::TagsDayKey => ("d untuk mengubah", "d to change"),
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
            T::AddsToTheirs => (
                "Ctrl-s menambahkan isian Anda ke catatan mereka.",
                "Ctrl-s adds yours to their notes.",
            ),
            T::AgreementGone => (
                "Kerja sama ini sudah tidak ada di penyimpanan.",
                "This agreement is no longer in the store.",
            ),
            T::AgreementWord => ("kerja sama", "agreement"),
            T::Agreement => ("Kerja sama", "Agreement"),
            T::ContactNameEmpty => (
                "nama kontak kosong (format: nama; jabatan; email; telepon)",
                "the contact's name is empty (format: name; role; email; phone)",
            ),
            T::ContactTooManyParts => (
                "paling banyak 4 bagian: nama; jabatan; email; telepon",
                "at most 4 parts: name; role; email; phone",
            ),
            T::Date => ("Tanggal", "Date"),
            T::DeletedByOthers => (
                "Kerja sama ini sudah dihapus oleh orang lain.",
                "Someone else deleted this agreement.",
            ),
            T::Description => ("Uraian", "Description"),
            T::DiscardAndQuitAsk => (
                "Buang perubahan dan keluar? y = buang dan keluar, tombol lain = lanjut mengisi",
                "Discard your changes and quit? y = discard and quit, any other key = keep editing",
            ),
            T::DueField => ("Jatuh tempo", "Due"),
            T::EditTitle => ("Ubah", "Edit"),
            T::FieldContactOurs => ("Kontak Indonesia", "Indonesian contact"),
            T::FieldContactTheirs => ("Kontak mitra", "Partner contact"),
            T::FieldCountryNew => ("Negara (mitra baru)", "Country (new partner)"),
            T::FieldFieldsList => ("Bidang (pisah koma)", "Fields (comma-separated)"),
            T::FieldParticipantsList => ("Peserta (pisah koma)", "Participants (comma-separated)"),
            T::FollowUpTitle => ("Tindak lanjut:", "Follow-up:"),
            T::KeyClearFilter => ("hapus saringan", "clear the filter"),
            T::KeyCloseHelp => ("tutup", "close"),
            T::KeyKeepFilter => ("pakai saringan", "keep the filter"),
            T::LogActivityTitle => ("Catat kegiatan:", "Log activity:"),
            T::NewAgreement => ("Kerja sama baru", "New agreement"),
            T::NewPartnerNote => ("mitra baru", "new partner"),
            T::NextSaveReplaces => (
                "Ctrl-s berikutnya akan menimpa perubahan mereka.",
                "The next Ctrl-s replaces their change with yours.",
            ),
            T::NextStep => ("Langkah berikutnya", "Next step"),
            T::NotHere => (
                "Tombol ini tidak berlaku di sini",
                "That key does nothing here",
            ),
            T::NotYetDue => ("belum jatuh tempo", "not yet due"),
            T::Note => ("Catatan", "Note"),
            T::NothingMatches => ("Tidak ada yang cocok.", "Nothing matches."),
            T::NothingToClear => (
                "Tidak ada tanda atau penundaan untuk dihapus",
                "No mark or snooze to clear",
            ),
            T::ObstacleTag => ("Tag hambatan", "Obstacle tag"),
            T::Overdue => ("terlambat", "overdue"),
            T::Owner => ("Penanggung jawab", "Owner"),
            T::PartnerEmpty => (
                "nama mitra kosong: ketik nama, atau pilih dari daftar",
                "the partner name is empty: type a name or choose one from the list",
            ),
            T::ReadOnlyMark => ("hanya-baca", "read-only"),
            T::OutsideScopeMark => (
                "di luar wilayah Anda: hanya-baca",
                "outside your scope: read-only",
            ),
            T::ScopeMark => ("wilayah", "scope"),
            T::Region => ("Daerah", "Region"),
            T::Reloaded => ("Dimuat ulang dari penyimpanan.", "Reloaded from the store."),
            T::RenewTitle => ("Perpanjangan MoU:", "Renew the MoU:"),
            T::Required => ("wajib diisi", "is required"),
            T::SnoozeTitle => ("Tunda:", "Snooze:"),
            T::SnoozeUntil => ("Tunda sampai", "Snooze until"),
            T::TagLabelEmpty => ("Label tag kosong.", "The tag label is empty."),
            T::TagsOnTop => (
                "Enter menyimpan pilihan Anda di atas perubahan mereka.",
                "Enter saves your choices on top of theirs.",
            ),
            T::Title => ("Judul", "Title"),
            T::Why => ("Alasan", "Why"),
            T::KeyMap => ("peta mitra", "map"),
            T::KeyMapCountry => ("peta seluruh mitra", "map of all partners"),
            T::KeyTrends => ("tren per tahun", "trends by year"),
            T::KeyNextPartner => ("mitra berikut", "next partner"),
            T::KeyZoom => ("perbesar/perkecil", "zoom"),
            T::KeyZoomIn => ("perbesar", "zoom in"),
            T::KeyPan => ("geser", "pan"),
            T::KeyResetView => ("tampilan awal", "reset view"),
            T::KeyWholeCountry => ("seluruh Indonesia / daerah", "whole country / region"),
            T::WholeCountry => ("Seluruh Indonesia", "All Indonesia"),
            T::MapLegendRegion => ("daerah", "region"),
            T::MapSelected => ("Terpilih", "Selected"),
            T::MapPartners => ("Mitra", "Partners"),
            T::MapCountries => ("Per negara", "By country"),
            T::MapNotOnMap => ("Tanpa koordinat", "Without coordinates"),
            T::MapNoPartners => (
                "Belum ada kerja sama untuk dipetakan.",
                "No agreements to map yet.",
            ),
            T::MapOffView => (
                "di luar tampilan (0: tampilan awal)",
                "off the view (0 resets)",
            ),
            T::TrendsTitle => ("Tren per tahun", "Trends by year"),
            T::TrendsYear => ("Tahun", "Year"),
            T::TrendsSigned => ("Ditandatangani", "Signed"),
            T::TrendsRenewed => ("Diperbarui", "Renewed"),
            T::TrendsInForce => ("Berlaku", "In force"),
            T::TrendsExpired => ("Berakhir", "Expired"),
            T::TrendsActivities => ("Kegiatan", "Activities"),
            T::TrendsEmpty => ("Belum ada MoU yang ditandatangani.", "No MoU signed yet."),
            T::TrendsChartInForce => ("MoU berlaku pada akhir tahun", "MoUs in force at year end"),
            T::TrendsChartActivities => ("Kegiatan per tahun", "Activities a year"),
            T::TrendsToDate => ("s.d.", "to"),
            T::FieldPartnerPlace => (
                "Lokasi mitra (lintang, bujur)",
                "Partner's location (lat, lon)",
            ),
            T::FieldSeat => ("Lintang, bujur", "Lat, lon"),
            T::MapHowToSeat => ("E: isi pusat pemerintahan", "E: set the region's seat"),
            T::MapHowToPlace => ("Enter, e: lokasi mitra", "Enter, e: partner place"),
            T::SeatTitle => ("Pusat pemerintahan", "Seat of government"),
            T::SeatNote => (
                "Penanda daerah di peta (M); kosong bila belum tahu.",
                "The region's mark on the map (M); empty if unknown.",
            ),
            T::KeyEditSeat => ("pusat pemerintahan", "region's seat"),
            T::NoRegion => ("Pilih satu daerah dulu.", "Choose a region first."),
            T::QuietShort => ("Sepi", "Quiet"),
            T::KeyRedraw => ("gambar ulang layar", "redraw the screen"),
            T::HealthLegend => (
                "● aktif  ○ sepi  × berakhir",
                "● active  ○ quiet  × expired",
            ),
            T::ActivityFieldsLabel => (
                "Bidang kerja sama (pisah koma; angka = bidang MoU)",
                "Fields served (comma-separated; a number picks an MoU field)",
            ),
            T::OutcomeLabel => ("Hasil", "Outcome"),
            T::OutcomePeopleLabel => ("Hasil: jumlah peserta", "Outcome: people taking part"),
            T::OutcomeValueLabel => ("Hasil: nilai", "Outcome: value"),
            T::OutcomeUnitLabel => ("Hasil: satuan nilai", "Outcome: unit of the value"),
            T::OutcomeValueMissing => (
                "satuan tanpa nilai: isi nilainya atau kosongkan satuannya",
                "a unit without a value: give the value or clear the unit",
            ),
            T::AssessTitle => ("Kajian:", "Assessment (kajian):"),
            T::AssessedOn => ("Tanggal kajian", "Assessed on"),
            T::Political => ("Aman secara politis", "Politically safe"),
            T::Juridical => ("Aman secara yuridis", "Juridically safe"),
            T::Technical => ("Aman secara teknis", "Technically safe"),
            T::Security => ("Aman dari segi keamanan", "Safe for security"),
            T::PrincipleNote => ("  catatan", "  note"),
            T::BenefitRegion => ("Manfaat bagi daerah", "What the region gains"),
            T::BenefitPartner => ("Manfaat bagi mitra", "What the partner gains"),
            T::Fit => (
                "Kesesuaian dengan kewenangan, kebutuhan, potensi, prioritas daerah",
                "Fit with the region's authority, needs, potential, priorities",
            ),
            T::KeyAssess => ("kajian", "assessment"),
            T::KeyBrief => ("bahan rapat (brief)", "meeting brief"),
            T::FieldsPursued => ("Bidang yang berjalan", "Fields pursued"),
            T::OutsideMou => ("di luar MoU", "outside the MoU"),
            T::Assessment => ("Kajian", "Assessment"),
            T::NotAssessedYet => ("belum ada kajian", "no assessment yet"),
            T::Achievements => ("Pencapaian", "Achievements"),
            T::Brief => ("Bahan rapat", "Brief"),
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

/// "1 agreement", "48 agreements", "48 kerja sama".
pub fn agreements(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Id, n) => format!("{n} kerja sama"),
        (Lang::En, 1) => "1 agreement".to_string(),
        (Lang::En, n) => format!("{n} agreements"),
    }
}

/// "since 15 Mar 2020", "sejak 15 Mar 2020".
pub fn since(day: &str, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("sejak {day}"),
        Lang::En => format!("since {day}"),
    }
}

/// A day typed after the latest one allowed.
pub fn not_after(latest: &str, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("Tanggal tidak boleh sesudah {latest}."),
        Lang::En => format!("The day cannot be after {latest}."),
    }
}

/// Why a replay of a past day does not change a record with later history.
pub fn later_records(day: &str, lang: Lang) -> String {
    match lang {
        Lang::Id => format!(
            "Kerja sama ini punya catatan sesudah {day}; tampilan per {day} tidak mengubahnya. \
             Jalankan tanpa --today untuk mengubah."
        ),
        Lang::En => format!(
            "This agreement has records after {day}; the view as of {day} does not change \
             it. Run without --today to edit it."
        ),
    }
}

/// "1 partner", "4 partners", "4 mitra".
pub fn partners(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Id, n) => format!("{n} mitra"),
        (Lang::En, 1) => "1 partner".to_string(),
        (Lang::En, n) => format!("{n} partners"),
    }
}

/// The columns of the trends table, in its order: year, signed, renewed, in force at the
/// end of the year, expired, activities.
pub fn trend_headers(lang: Lang) -> [&'static str; 6] {
    [
        T::TrendsYear.in_lang(lang),
        T::TrendsSigned.in_lang(lang),
        T::TrendsRenewed.in_lang(lang),
        T::TrendsInForce.in_lang(lang),
        T::TrendsExpired.in_lang(lang),
        T::TrendsActivities.in_lang(lang),
    ]
}

/// What the trend figures count, said under their table.
pub fn trends_note(today: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Id => format!(
            "Sampai {today}. Ditandatangani: kerja sama yang MoU pertamanya ditandatangani \
             tahun itu; diperbarui: MoU berikutnya yang ditandatangani tahun itu; berlaku: MoU \
             yang masih berlaku pada 31 Desember (atau pada {today}); berakhir: MoU yang habis \
             masa berlakunya tahun itu tanpa pembaruan; kegiatan: tanpa penandatanganan MoU."
        ),
        Lang::En => format!(
            "To {today}. Signed: agreements whose first MoU was signed that year; renewed: \
             later MoUs signed that year; in force: MoUs in force on 31 December (or on \
             {today}); expired: MoUs that ended that year without a renewal; activities: \
             MoU signings left out."
        ),
    }
}

/// A map's title: "Jawa Tengah: 4 partners in 4 countries".
pub fn map_title(place: &str, partners: usize, countries: usize, lang: Lang) -> String {
    let place = display_safe(place);
    match lang {
        Lang::Id => format!("{place}: {partners} mitra di {countries} negara"),
        Lang::En => format!(
            "{place}: {} in {countries} {}",
            self::partners(partners, lang),
            if countries == 1 {
                "country"
            } else {
                "countries"
            }
        ),
    }
}

/// What the map says in a terminal too small for it.
pub fn map_needs_room(width: u16, height: u16, now: (u16, u16), lang: Lang) -> String {
    match lang {
        Lang::Id => format!(
            "Peta perlu terminal paling sedikit {width}x{height} (sekarang {}x{}). Perbesar \
             terminal, atau Esc untuk kembali.",
            now.0, now.1
        ),
        Lang::En => format!(
            "The map needs a terminal of at least {width}x{height} (this one is {}x{}). \
             Enlarge it, or press Esc to go back.",
            now.0, now.1
        ),
    }
}

/// A coordinate pair that is not a point on Earth, or not written as one.
pub fn bad_coordinates(text: &str, lang: Lang) -> String {
    let text = display_safe(text);
    match lang {
        Lang::Id => format!(
            "\"{text}\" bukan lokasi: tulis lintang, bujur dalam derajat desimal \
             (lintang -90 s.d. 90, bujur -180 s.d. 180), mis. -6.99, 110.42"
        ),
        Lang::En => format!(
            "\"{text}\" is not a place: write lat, lon in decimal degrees (lat -90 to 90, \
             lon -180 to 180), e.g. -6.99, 110.42"
        ),
    }
}

/// "1 day", "180 days", "180 hari".
pub fn days(n: i64, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Id, n) => format!("{n} hari"),
        (Lang::En, 1) => "1 day".to_string(),
        (Lang::En, n) => format!("{n} days"),
    }
}

/// "3 days ago", "3 hari lalu".
pub fn days_ago(n: i64, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("{n} hari lalu"),
        Lang::En => format!("{} ago", days(n, lang)),
    }
}

/// "12 more lines", "12 baris lagi".
pub fn more_lines(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Id, n) => format!("{n} baris lagi"),
        (Lang::En, 1) => "1 more line".to_string(),
        (Lang::En, n) => format!("{n} more lines"),
    }
}

/// "every 12 months".
pub fn every_months(months: u32, lang: Lang) -> String {
    match (lang, months) {
        (Lang::Id, m) => format!("setiap {m} bulan"),
        (Lang::En, 1) => "every month".to_string(),
        (Lang::En, m) => format!("every {m} months"),
    }
}

/// "late by 30 days".
pub fn late_by(days_late: i64, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("terlambat {days_late} hari"),
        Lang::En => format!("late by {}", days(days_late, lang)),
    }
}

pub fn chars_cut(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Id, n) => format!("{n} karakter dipotong: batasnya tercapai"),
        (Lang::En, 1) => "1 character cut: the field is full".to_string(),
        (Lang::En, n) => format!("{n} characters cut: the field is full"),
    }
}

pub fn controls_removed(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Id, n) => format!("{n} karakter kontrol dibuang"),
        (Lang::En, 1) => "1 control character removed".to_string(),
        (Lang::En, n) => format!("{n} control characters removed"),
    }
}

/// The form could not be saved: how many fields to fix.
pub fn fields_to_fix(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Id, n) => format!("Belum disimpan: {n} isian perlu diperbaiki."),
        (Lang::En, 1) => "Not saved: 1 field needs fixing.".to_string(),
        (Lang::En, n) => format!("Not saved: {n} fields need fixing."),
    }
}

pub fn after_signing(signed: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("harus sesudah tanggal tanda tangan ({signed})"),
        Lang::En => format!("must be after the signing date ({signed})"),
    }
}

pub fn after_term_in_force(signed: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("harus sesudah MoU yang berlaku ({signed})"),
        Lang::En => format!("must be after the MoU in force ({signed})"),
    }
}

pub fn after_today(today: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Id => format!("harus sesudah hari ini ({today})"),
        Lang::En => format!("must be after today ({today})"),
    }
}

pub fn no_such_region(typed: &str, lang: Lang) -> String {
    let typed = display_safe(typed);
    match lang {
        Lang::Id => format!("tidak ada daerah bernama {typed:?}: pilih dari daftar dengan Enter"),
        Lang::En => format!("no region is called {typed:?}: choose one from the list with Enter"),
    }
}

pub fn not_an_email(text: &str, lang: Lang) -> String {
    let text = display_safe(text);
    match lang {
        Lang::Id => format!("{text:?} bukan alamat email"),
        Lang::En => format!("{text:?} is not an email address"),
    }
}

/// Why an editing key does nothing on a region's agreement.
pub fn out_of_scope(region: &str, lang: Lang) -> String {
    let region = display_safe(region);
    match lang {
        Lang::Id => format!("{region} di luar wilayah kewenangan kunci Anda: hanya bisa dilihat"),
        Lang::En => format!("{region} is outside your key's scope: you may only view it"),
    }
}

/// A date that cannot be read, in the form's language.
pub fn date_error(e: &DateError, lang: Lang) -> String {
    const BULAN: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    match (lang, e) {
        (Lang::En, e) => e.to_string(),
        (Lang::Id, DateError::Form(text)) => format!(
            "{:?} bukan tanggal; tulis tanggal sebagai TTTT-BB-HH, misalnya 2019-08-06",
            display_safe(text)
        ),
        (Lang::Id, DateError::Month { text, month }) => format!(
            "{} bukan tanggal yang ada: tidak ada bulan {month}; bulan 01 sampai 12",
            display_safe(text)
        ),
        (
            Lang::Id,
            DateError::Day {
                text,
                year,
                month,
                days,
            },
        ) => format!(
            "{} bukan tanggal yang ada: {} {year} hanya {days} hari",
            display_safe(text),
            BULAN
                .get(month.saturating_sub(1) as usize)
                .copied()
                .unwrap_or("?")
        ),
    }
}

/// "Saving… Jawa Tengah – Siem Reap".
pub fn saving(name: &str, lang: Lang) -> String {
    format!("{} {}", T::Saving.in_lang(lang), display_safe(name))
}

/// "Summary of Jawa Tengah – Siem Reap copied (OSC 52)".
pub fn copied(name: &str, lang: Lang) -> String {
    let name = display_safe(name);
    match lang {
        Lang::Id => format!("Ringkasan {name} disalin ke papan klip (OSC 52)."),
        Lang::En => format!("Summary of {name} copied to the clipboard (OSC 52)."),
    }
}

/// The question before a delete, naming the agreement and what goes with it.
pub fn delete_ask(id: u64, name: &str, country: &str, activities: usize, lang: Lang) -> String {
    let name = display_safe(name);
    let country = display_safe(country);
    match lang {
        Lang::Id => format!(
            "Hapus kerja sama {id} {name} ({country}) beserta {activities} kegiatannya? Catatan \
             audit tetap menyimpannya, dan u mengurungkan. y = hapus, tombol lain = batal"
        ),
        Lang::En => format!(
            "Delete agreement {id} {name} ({country}) and its {}? The audit log keeps them, \
             and u undoes. y = delete, any other key = keep",
            match activities {
                1 => "1 activity".to_string(),
                n => format!("{n} activities"),
            }
        ),
    }
}

/// What a saved change did: "Saved: marked for revitalization", "Undone: new stage:
/// Reporting". `action` is the change's name in the audit log.
pub fn change_done(
    action: &str,
    catalog: &crate::domain::Catalog,
    undo: bool,
    redo: bool,
    lang: Lang,
) -> String {
    let word = match (undo, redo) {
        (true, _) => T::Undone,
        (_, true) => T::Redone,
        _ => T::Saved,
    };
    format!(
        "{}: {}",
        word.in_lang(lang),
        change_words(action, catalog, lang)
    )
}

/// A change in words, as the audit log names it: "activity logged", "new stage: Reporting",
/// "undone: obstacle tags".
pub fn change_words(action: &str, catalog: &crate::domain::Catalog, lang: Lang) -> String {
    if let Some(done) = action.strip_prefix("undo ") {
        let what = change_words(done, catalog, lang);
        return format!("{} ({what})", T::Undone.in_lang(lang).to_lowercase());
    }
    if let Some(done) = action.strip_prefix("redo ") {
        let what = change_words(done, catalog, lang);
        return format!("{} ({what})", T::Redone.in_lang(lang).to_lowercase());
    }
    let what = match action {
        "create" => pick(lang, "kerja sama baru", "new agreement").to_string(),
        "update" => pick(lang, "perubahan", "changes").to_string(),
        "log activity" => pick(lang, "kegiatan dicatat", "activity logged").to_string(),
        "renew" => pick(lang, "MoU diperpanjang", "MoU renewed").to_string(),
        "tags" => pick(lang, "tag hambatan", "obstacle tags").to_string(),
        "delete" => pick(lang, "dihapus", "deleted").to_string(),
        "mark renewal" => decision(Decision::Renewal, lang).to_string(),
        "mark revitalization" => decision(Decision::Revitalization, lang).to_string(),
        "propose termination" => {
            pick(lang, "diusulkan untuk diakhiri", "proposed for termination").to_string()
        }
        "clear marks" => pick(
            lang,
            "tanda dan penundaan dihapus",
            "mark and snooze cleared",
        )
        .to_string(),
        "follow-up done" => pick(lang, "tindak lanjut selesai", "follow-up done").to_string(),
        "snooze" => pick(lang, "ditunda", "snoozed").to_string(),
        "follow-up" => pick(lang, "tindak lanjut dicatat", "follow-up added").to_string(),
        "seat" => pick(lang, "pusat pemerintahan", "seat of government").to_string(),
        other => match other.strip_prefix("stage → ") {
            Some(stage) => {
                let label = catalog
                    .stage(stage)
                    .map(|s| lang.pick(&s.label_id, &s.label_en))
                    .unwrap_or(stage);
                match lang {
                    Lang::Id => format!("tahap baru: {label}"),
                    Lang::En => format!("new stage: {label}"),
                }
            }
            None => other.to_string(),
        },
    };
    display_safe(&what).into_owned()
}

/// A save refused because someone changed (or deleted) the record first.
pub fn conflict(name: &str, by: &str, at: &str, deleted: bool, lang: Lang) -> String {
    let (name, by) = (display_safe(name), display_safe(by));
    match (lang, deleted) {
        (Lang::En, false) => format!(
            "{name} was changed by {by} at {at} after you started editing it; your change was \
             not saved. Reload to see theirs, or keep editing."
        ),
        (Lang::En, true) => format!(
            "{name} was deleted by {by} at {at} after you started editing it; your change was \
             not saved."
        ),
        (Lang::Id, false) => format!(
            "{name} diubah oleh {by} pada {at} setelah Anda mulai mengubahnya; perubahan Anda \
             belum disimpan. Muat ulang untuk melihat versi mereka, atau lanjut mengisi."
        ),
        (Lang::Id, true) => format!(
            "{name} dihapus oleh {by} pada {at} setelah Anda mulai mengubahnya; perubahan Anda \
             belum disimpan."
        ),
    }
}

/// Someone else changed (or removed) the region whose seat this form sets.
pub fn region_conflict(name: &str, by: &str, at: &str, gone: bool, lang: Lang) -> String {
    let (name, by) = (display_safe(name), display_safe(by));
    match (lang, gone) {
        (Lang::En, false) => format!(
            "{name} was changed by {by} at {at} after you opened its seat; yours was not saved."
        ),
        (Lang::En, true) => format!(
            "{name} was removed by {by} at {at} after you opened its seat; nothing was saved."
        ),
        (Lang::Id, false) => format!(
            "{name} diubah oleh {by} pada {at} setelah Anda membuka pusat pemerintahannya; \
             isian Anda belum disimpan."
        ),
        (Lang::Id, true) => format!(
            "{name} dihapus oleh {by} pada {at} setelah Anda membuka pusat pemerintahannya; \
             tidak ada yang disimpan."
        ),
    }
}

/// What triage recommends, as the queue and the report say it.
pub fn recommendation(r: Option<Recommendation>, lang: Lang) -> &'static str {
    match r {
        Some(Recommendation::Renewal) => pick(lang, "pembaruan", "renewal"),
        Some(Recommendation::Revitalization) => pick(lang, "revitalisasi", "revitalization"),
        Some(Recommendation::FollowUp) => pick(lang, "tindak lanjut", "follow up"),
        None => "",
    }
}

/// A decision as the report names it: "renewal", "revitalisasi"…
pub fn decided(d: Decision, lang: Lang) -> &'static str {
    match d {
        Decision::Renewal => pick(lang, "pembaruan", "renewal"),
        Decision::Revitalization => pick(lang, "revitalisasi", "revitalization"),
        Decision::ProposeTermination => pick(lang, "pengakhiran", "termination"),
    }
}

/// What a meeting decided.
pub fn decision(d: Decision, lang: Lang) -> &'static str {
    match d {
        Decision::Renewal => pick(lang, "ditandai untuk pembaruan", "marked for renewal"),
        Decision::Revitalization => pick(
            lang,
            "ditandai untuk revitalisasi",
            "marked for revitalization",
        ),
        Decision::ProposeTermination => pick(lang, "diusulkan diakhiri", "termination proposed"),
    }
}

/// A triage reason as a person says it: "no activity since 2017-03-02, 6 years".
pub fn reason(r: &Reason, lang: Lang) -> String {
    match (r, lang) {
        (Reason::Expired { on }, Lang::En) => format!("MoU expired {on}"),
        (Reason::Expired { on }, Lang::Id) => format!("MoU berakhir {on}"),
        (Reason::ExpiringSoon { on, days }, Lang::En) => {
            format!("MoU expires {on} (in {days} days)")
        }
        (Reason::ExpiringSoon { on, days }, Lang::Id) => {
            format!("MoU berakhir {on} ({days} hari lagi)")
        }
        (
            Reason::Dormant {
                last: Some(d),
                days,
            },
            Lang::En,
        ) => {
            format!("no activity since {d}, {}", span(*days, lang))
        }
        (
            Reason::Dormant {
                last: Some(d),
                days,
            },
            Lang::Id,
        ) => {
            format!("tidak ada kegiatan sejak {d}, {}", span(*days, lang))
        }
        (Reason::Dormant { last: None, days }, Lang::En) => {
            format!(
                "no activity ever recorded, {} since signing",
                span(*days, lang)
            )
        }
        (Reason::Dormant { last: None, days }, Lang::Id) => format!(
            "belum pernah ada kegiatan, {} sejak penandatanganan",
            span(*days, lang)
        ),
        (Reason::CeremonialSuspected { signed }, Lang::En) => {
            format!("nothing but the signing in the year after {signed}: ceremonial only?")
        }
        (Reason::CeremonialSuspected { signed }, Lang::Id) => format!(
            "tidak ada kegiatan selain penandatanganan setahun setelah {signed}: hanya seremonial?"
        ),
        (Reason::ReportsOverdue { count, oldest_due }, Lang::En) => format!(
            "{count} report{} overdue (oldest due {oldest_due})",
            if *count == 1 { "" } else { "s" }
        ),
        (Reason::ReportsOverdue { count, oldest_due }, Lang::Id) => {
            format!("{count} laporan belum diserahkan (tertua jatuh tempo {oldest_due})")
        }
        (Reason::ReportsLate { count }, Lang::En) => format!(
            "{count} report{} submitted late",
            if *count == 1 { "" } else { "s" }
        ),
        (Reason::ReportsLate { count }, Lang::Id) => {
            format!("{count} laporan terlambat diserahkan")
        }
        (Reason::Obstacle { tag }, Lang::En) => format!("obstacle: {tag}"),
        (Reason::Obstacle { tag }, Lang::Id) => format!("hambatan: {tag}"),
        (
            Reason::FollowUpDue {
                owner,
                due,
                next_step,
            },
            Lang::En,
        ) => format!("follow-up due {due} ({owner}): {next_step}"),
        (
            Reason::FollowUpDue {
                owner,
                due,
                next_step,
            },
            Lang::Id,
        ) => format!("tindak lanjut jatuh tempo {due} ({owner}): {next_step}"),
        (Reason::FieldsIdle { idle, of }, Lang::En) => format!(
            "fields idle: {} of the MoU's {of} fields had nothing for {} years ({})",
            idle.len(),
            crate::domain::pursuit::PURSUIT_YEARS,
            idle.join(", ")
        ),
        (Reason::FieldsIdle { idle, of }, Lang::Id) => format!(
            "bidang tidak berjalan: {} dari {of} bidang MoU tanpa kegiatan {} tahun ({})",
            idle.len(),
            crate::domain::pursuit::PURSUIT_YEARS,
            idle.join(", ")
        ),
        (Reason::NotAssessed { missing }, lang) => not_assessed(*missing, lang),
    }
}

/// A number typed in the fields field that is not one of the MoU's fields.
pub fn no_such_mou_field(n: &str, count: usize, lang: Lang) -> String {
    match (count, lang) {
        (0, Lang::En) => format!("{n}: the MoU names no fields; type the field's name"),
        (0, Lang::Id) => format!("{n}: MoU tidak mencantumkan bidang; ketik nama bidangnya"),
        (_, Lang::En) => format!("{n}: the MoU has fields 1 to {count}; pick one or type a name"),
        (_, Lang::Id) => {
            format!("{n}: bidang MoU bernomor 1 sampai {count}; pilih atau ketik nama")
        }
    }
}

/// The MoU's fields, numbered, and the typed ones outside it.
pub fn mou_fields_note(mou: &[String], outside: &[&str], lang: Lang) -> String {
    let numbered: Vec<String> = mou
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{} {}", i + 1, display_safe(f)))
        .collect();
    let mut note = if mou.is_empty() {
        pick(lang, "MoU tanpa bidang", "the MoU names no fields").to_string()
    } else {
        format!("MoU: {}", numbered.join(" · "))
    };
    if !outside.is_empty() {
        let list: Vec<String> = outside
            .iter()
            .map(|f| display_safe(f).into_owned())
            .collect();
        note.push_str(&format!(
            "; {}: {}",
            pick(lang, "di luar MoU", "outside the MoU"),
            list.join(", ")
        ));
    }
    note
}

/// How one of the four principles was judged.
pub fn verdict(v: crate::domain::Verdict, lang: Lang) -> &'static str {
    use crate::domain::Verdict;
    match v {
        Verdict::Safe => pick(lang, "aman", "safe"),
        Verdict::Concerns => pick(lang, "ada catatan", "concerns"),
        Verdict::NotAssessed => pick(lang, "belum dikaji", "not assessed"),
    }
}

/// The name of a principle.
pub fn principle(p: crate::domain::Principle, lang: Lang) -> &'static str {
    use crate::domain::Principle;
    match p {
        Principle::Political => pick(lang, "politis", "political"),
        Principle::Juridical => pick(lang, "yuridis", "juridical"),
        Principle::Technical => pick(lang, "teknis", "technical"),
        Principle::Security => pick(lang, "keamanan", "security"),
    }
}

/// Asked before a stage advance that leaves the assessment behind.
pub fn advance_without_assessment_ask(name: &str, stage: &str, lang: Lang) -> String {
    let name = display_safe(name);
    let stage = display_safe(stage);
    match lang {
        Lang::En => format!(
            "{name} has no assessment (kajian) of the four principles and mutual benefit. \
             Move it to {stage} anyway? (y/n; A records the assessment)"
        ),
        Lang::Id => format!(
            "{name} belum memiliki kajian empat prinsip dan saling menguntungkan. \
             Tetap pindahkan ke {stage}? (y/n; A mencatat kajian)"
        ),
    }
}

/// Asked before a renewal with no assessment made since the term in force was signed.
pub fn renew_without_assessment_ask(name: &str, lang: Lang) -> String {
    let name = display_safe(name);
    match lang {
        Lang::En => format!(
            "No assessment (kajian) of {name} since its MoU in force was signed. \
             Record the renewal anyway? (y/n; A records the assessment)"
        ),
        Lang::Id => format!(
            "Belum ada kajian {name} sejak MoU yang berlaku ditandatangani. \
             Tetap catat pembaruan? (y/n; A mencatat kajian)"
        ),
    }
}

/// An assessment dated after today.
pub fn assessed_in_future(today: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En => format!("an assessment is dated when it was made: {today} or earlier"),
        Lang::Id => format!("kajian bertanggal saat dibuat: {today} atau sebelumnya"),
    }
}

/// Concerns without saying what they are.
pub fn concerns_need_a_note(lang: Lang) -> &'static str {
    pick(
        lang,
        "ada catatan: tuliskan apa catatannya",
        "concerns: say what they are",
    )
}

/// "5 yrs" / "5 thn".
pub fn years_short(n: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} yrs"),
        Lang::Id => format!("{n} thn"),
    }
}

/// The fields table's headers: field, five years, all, last, suggestion.
pub fn pursuit_headers(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::En => ["field", "5 yrs", "all", "last", "next MoU"],
        Lang::Id => ["bidang", "5 thn", "semua", "terakhir", "MoU baru"],
    }
}

/// The suggestion for a field in the next MoU.
pub fn focus(f: Option<crate::domain::pursuit::Focus>, lang: Lang) -> &'static str {
    use crate::domain::pursuit::Focus;
    match f {
        Some(Focus::Keep) => pick(lang, "pertahankan", "keep"),
        Some(Focus::Drop) => pick(lang, "hapus", "drop"),
        Some(Focus::Add) => pick(lang, "tambahkan", "add"),
        None => "",
    }
}

/// Activities in five years that named no field.
pub fn unfielded(n: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} activities in 5 years named no field"),
        Lang::Id => format!("{n} kegiatan dalam 5 tahun tanpa bidang"),
    }
}

/// An assessment made before the term in force was signed.
pub fn before_term(lang: Lang) -> &'static str {
    pick(
        lang,
        "sebelum MoU yang berlaku; belum ada kajian untuk pembaruan",
        "before the MoU in force; none yet for its renewal",
    )
}

pub fn people(n: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{n} people"),
        Lang::Id => format!("{n} orang"),
    }
}

pub fn total_word(lang: Lang) -> &'static str {
    pick(lang, "jumlah", "total")
}

/// One row of achievements: outcomes, people, values by unit.
pub fn figures(outcomes: u32, people_count: u64, values: &[(String, f64)], lang: Lang) -> String {
    let mut parts = vec![match lang {
        Lang::En => format!("{outcomes} outcomes"),
        Lang::Id => format!("{outcomes} hasil"),
    }];
    if people_count > 0 {
        parts.push(people(people_count, lang));
    }
    for (unit, v) in values {
        parts.push(format!(
            "{} {}",
            crate::brief::amount(*v, lang),
            display_safe(unit)
        ));
    }
    parts.join(" · ")
}

/// Where the brief was written.
pub fn brief_written(name: &str, path: &str, lang: Lang) -> String {
    let name = display_safe(name);
    let path = display_safe(path);
    match lang {
        Lang::En => format!("Brief for {name} written to {path}"),
        Lang::Id => format!("Bahan rapat {name} ditulis ke {path}"),
    }
}

/// The brief could not be written.
pub fn brief_failed(path: &str, error: &str, lang: Lang) -> String {
    let path = display_safe(path);
    let error = display_safe(error);
    match lang {
        Lang::En => format!(
            "Could not write the brief to {path}: {error}. Set [brief] folder in the config, \
             or run kembar brief"
        ),
        Lang::Id => format!(
            "Bahan rapat tidak dapat ditulis ke {path}: {error}. Atur folder [brief] di \
             konfigurasi, atau jalankan kembar brief"
        ),
    }
}

/// Over SSH the brief cannot reach the coordinator's disk: it is shown instead.
pub fn brief_shown(lang: Lang) -> &'static str {
    pick(
        lang,
        "Bahan rapat ditampilkan (sesi SSH tidak dapat menulis ke disk Anda; untuk berkas: \
         ssh ... brief ID > brief.md). Esc menutup",
        "The brief is shown (an SSH session cannot write to your disk; for a file: \
         ssh ... brief ID > brief.md). Esc closes",
    )
}

/// Why an agreement is "not assessed", as a triage reason.
pub fn not_assessed(missing: crate::domain::kajian::Missing, lang: Lang) -> String {
    use crate::domain::kajian::Missing;
    match (missing, lang) {
        (Missing::Proposal, Lang::En) => {
            "not assessed: a proposal past penjajakan without a kajian".into()
        }
        (Missing::Proposal, Lang::Id) => {
            "belum dikaji: usulan melewati penjajakan tanpa kajian".into()
        }
        (Missing::Renewal, Lang::En) => {
            "not assessed: no kajian for the renewal since the MoU in force was signed".into()
        }
        (Missing::Renewal, Lang::Id) => {
            "belum dikaji: belum ada kajian untuk pembaruan sejak MoU yang berlaku ditandatangani"
                .into()
        }
        (Missing::RenewedWithout(on), Lang::En) => {
            format!("not assessed: renewed {on} without a kajian")
        }
        (Missing::RenewedWithout(on), Lang::Id) => {
            format!("belum dikaji: diperbarui {on} tanpa kajian")
        }
    }
}

/// "6 years", "8 months", "20 days".
fn span(days: i64, lang: Lang) -> String {
    let (years, months) = (days / 365, days / 30);
    match lang {
        Lang::En if years >= 1 => format!("{years} year{}", if years == 1 { "" } else { "s" }),
        Lang::En if months >= 1 => {
            format!("{months} month{}", if months == 1 { "" } else { "s" })
        }
        Lang::En => format!("{days} days"),
        Lang::Id if years >= 1 => format!("{years} tahun"),
        Lang::Id if months >= 1 => format!("{months} bulan"),
        Lang::Id => format!("{days} hari"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reasons_read_as_sentences() {
        let r = Reason::Dormant {
            last: Some(d("2017-03-02")),
            days: 6 * 365 + 20,
        };
        assert_eq!(
            reason(&r, Lang::En),
            "no activity since 2017-03-02, 6 years"
        );
        assert_eq!(
            reason(&r, Lang::Id),
            "tidak ada kegiatan sejak 2017-03-02, 6 tahun"
        );
        assert_eq!(
            reason(
                &Reason::ReportsOverdue {
                    count: 2,
                    oldest_due: d("2020-01-31")
                },
                Lang::En
            ),
            "2 reports overdue (oldest due 2020-01-31)"
        );
    }
}
