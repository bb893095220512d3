"""The two default instruments, written for Aksalarasa (not taken from any published scale).

Each item's intent is documented in docs/instruments.md. Reverse-scored items are statements
where agreeing means *less* of what the subscale measures; the scoring rule mirrors them
(scale_min + scale_max - answer) before taking the mean of the subscale, so on every subscale a
higher score is the better outcome.
"""

from __future__ import annotations

from typing import Any

LIKERT_5 = {
    "scale_min": 1,
    "scale_max": 5,
    "label_min_id": "Sangat tidak setuju",
    "label_min_en": "Strongly disagree",
    "label_max_id": "Sangat setuju",
    "label_max_en": "Strongly agree",
}

# (key, subscale, reverse, Indonesian, English, intent)
CLIENT_ITEMS = [
    (
        "com1",
        "community",
        False,
        "Dalam sebulan terakhir saya mengobrol dengan tetangga di luar keluarga saya.",
        "In the past month I chatted with neighbours outside my family.",
        "Everyday contact with people outside the family.",
    ),
    (
        "com2",
        "community",
        False,
        "Saya ikut kegiatan bersama di banjar atau lingkungan saya.",
        "I join shared activities in my banjar or neighbourhood.",
        "Taking part in community life (banjar, gotong royong).",
    ),
    (
        "com3",
        "community",
        True,
        "Saya menghindari bertemu warga di sekitar tempat tinggal saya.",
        "I avoid meeting the people who live around me.",
        "Withdrawal from the community (reverse).",
    ),
    (
        "com4",
        "community",
        False,
        "Ada orang di luar keluarga yang bisa saya mintai tolong.",
        "There is someone outside my family I can ask for help.",
        "A support tie outside the family.",
    ),
    (
        "com5",
        "community",
        True,
        "Saya merasa tidak diterima di lingkungan saya.",
        "I feel unwelcome in my neighbourhood.",
        "Felt rejection (reverse).",
    ),
    (
        "mot1",
        "motivation",
        False,
        "Saya datang ke bimbingan karena saya merasa ada manfaatnya.",
        "I come to guidance because I find it useful.",
        "Attending for its value rather than by obligation.",
    ),
    (
        "mot2",
        "motivation",
        False,
        "Saya berani menyampaikan pendapat kepada pembimbing kemasyarakatan saya.",
        "I feel free to tell my probation officer what I think.",
        "Active, open participation in guidance sessions.",
    ),
    (
        "mot3",
        "motivation",
        True,
        "Saya datang ke bimbingan hanya supaya tidak kena sanksi.",
        "I attend guidance only to avoid sanctions.",
        "Compliance-only attendance, the 'attend and avoid' pattern (reverse).",
    ),
    (
        "mot4",
        "motivation",
        False,
        "Saya punya tujuan yang ingin saya capai selama masa bimbingan.",
        "I have a goal I want to reach during my guidance period.",
        "A personal goal for the guidance period.",
    ),
    (
        "mot5",
        "motivation",
        True,
        "Kegiatan bimbingan terasa membosankan bagi saya.",
        "Guidance activities feel boring to me.",
        "Guidance experienced as not innovative (reverse).",
    ),
    (
        "con1",
        "confidence",
        False,
        "Saya yakin bisa menjalani hidup yang baik setelah masa bimbingan selesai.",
        "I am confident I can lead a good life after my guidance period ends.",
        "Confidence about life after guidance.",
    ),
    (
        "con2",
        "confidence",
        False,
        "Saya berani memperkenalkan diri kepada orang yang baru saya temui.",
        "I dare to introduce myself to people I have just met.",
        "Social self-confidence with strangers.",
    ),
    (
        "con3",
        "confidence",
        True,
        "Saya malu dengan status saya sebagai klien pemasyarakatan.",
        "I feel ashamed of being a probation client.",
        "Internalised stigma (reverse).",
    ),
    (
        "con4",
        "confidence",
        False,
        "Saya punya keterampilan yang berguna bagi orang lain.",
        "I have skills that are useful to other people.",
        "Sense of having something to offer.",
    ),
]

CLIENT_SUBSCALES = [
    ("community", "Interaksi dengan masyarakat", "Interaction with the community"),
    ("motivation", "Motivasi mengikuti bimbingan", "Motivation for guidance"),
    ("confidence", "Kepercayaan diri", "Self-confidence"),
]

RESIDENT_ITEMS = [
    (
        "tru1",
        "trust",
        False,
        "Saya percaya klien pemasyarakatan bisa menjadi tetangga yang baik.",
        "I believe probation clients can be good neighbours.",
        "General trust in clients as neighbours.",
    ),
    (
        "tru2",
        "trust",
        False,
        "Saya mau meminjamkan barang kepada klien yang saya kenal.",
        "I would lend something to a client I know.",
        "Trust shown in a concrete everyday act.",
    ),
    (
        "tru3",
        "trust",
        True,
        "Saya khawatir barang saya hilang bila ada klien di sekitar saya.",
        "I worry that my things go missing when a client is around.",
        "Suspicion (reverse).",
    ),
    (
        "tru4",
        "trust",
        False,
        "Saya percaya klien akan menepati janji yang dibuatnya.",
        "I trust a client to keep a promise they make.",
        "Reliability attributed to clients.",
    ),
    (
        "dis1",
        "distance",
        False,
        "Saya bersedia bekerja satu tim dengan klien dalam kegiatan warga.",
        "I am willing to work in one team with a client in community activities.",
        "Closeness in shared work, as in the event's mixed teams.",
    ),
    (
        "dis2",
        "distance",
        True,
        "Saya keberatan bila klien tinggal di sebelah rumah saya.",
        "I would object to a client living next door to me.",
        "Neighbourhood exclusion (reverse).",
    ),
    (
        "dis3",
        "distance",
        False,
        "Saya mau mengajak klien ke acara keluarga atau upacara adat.",
        "I would invite a client to a family event or customary ceremony.",
        "Inclusion in close social and customary life.",
    ),
    (
        "dis4",
        "distance",
        True,
        "Saya melarang anggota keluarga saya bergaul dengan klien.",
        "I keep members of my family from mixing with clients.",
        "Exclusion enforced on the family (reverse).",
    ),
    (
        "dis5",
        "distance",
        False,
        "Saya mau mempekerjakan atau merekomendasikan klien untuk sebuah pekerjaan.",
        "I would hire or recommend a client for a job.",
        "Economic inclusion.",
    ),
    (
        "chg1",
        "change",
        False,
        "Orang yang pernah berbuat salah bisa berubah menjadi lebih baik.",
        "People who have done wrong can change for the better.",
        "Belief that people can change.",
    ),
    (
        "chg2",
        "change",
        False,
        "Dukungan warga membantu klien agar tidak mengulangi pelanggaran.",
        "Support from residents helps clients not to offend again.",
        "The community's own role in change.",
    ),
    (
        "chg3",
        "change",
        True,
        "Sekali melanggar hukum, seseorang akan terus melanggar.",
        "Once someone breaks the law, they will keep breaking it.",
        "Fixed view of offending (reverse).",
    ),
    (
        "chg4",
        "change",
        False,
        "Klien pemasyarakatan layak mendapat kesempatan kedua.",
        "Probation clients deserve a second chance.",
        "Endorsement of a second chance.",
    ),
]

RESIDENT_SUBSCALES = [
    ("trust", "Kepercayaan", "Trust"),
    ("distance", "Jarak sosial (skor tinggi = makin dekat)", "Social distance (higher = closer)"),
    ("change", "Keyakinan bahwa klien bisa berubah", "Belief in change"),
]

DEFAULT_INSTRUMENTS: list[dict[str, Any]] = [
    {
        "key": "client-interaction-motivation",
        "name_id": "Interaksi sosial dan motivasi klien",
        "name_en": "Client social interaction and motivation",
        "audience": "client",
        "intro_id": "Tidak ada jawaban benar atau salah. Pilih seberapa setuju Anda dengan setiap pernyataan.",
        "intro_en": "There are no right or wrong answers. Choose how much you agree with each statement.",
        "subscales": CLIENT_SUBSCALES,
        "items": CLIENT_ITEMS,
    },
    {
        "key": "resident-attitude",
        "name_id": "Sikap warga terhadap klien pemasyarakatan",
        "name_en": "Resident attitude toward probation clients",
        "audience": "resident",
        "intro_id": (
            "Jawaban Anda tanpa nama. Pakai kode pilihan Anda sendiri yang sama sebelum dan sesudah "
            "kegiatan, supaya jawaban bisa dibandingkan."
        ),
        "intro_en": (
            "Your answers are anonymous. Use the same code of your own choosing before and after the "
            "activity, so your answers can be compared."
        ),
        "subscales": RESIDENT_SUBSCALES,
        "items": RESIDENT_ITEMS,
    },
]
