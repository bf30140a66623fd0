#!/usr/bin/env python3
"""Writes the retrieval benchmark's question set (issue 15) from the normalised FHIR records of ../shared/corpus.

Input: a dump of the indexed corpus (RetrievalBench --dump DIR: records.jsonl holds every normalised FHIR resource
per patient key, from HL7 v2, FHIR and CDC alike). Output: JSON questions with gold answers, on stdout.

How the questions are made, and why this is honest:
- Questions come from the resources, never from the chunker's rendered text: the phrasing templates and the
  clinician vocabulary below were written by hand from clinical usage (abbreviations such as A1c, BP, HCTZ, brand
  names, lay terms), before any retrieval run, and are not adjusted to what ranks well.
- Gold = the resource(s) stating the fact (all twins: the same note as a DocumentReference and as a
  DiagnosticReport, repeated vaccinations of one vaccine) + the encounter they are filed under (the pipeline states
  them in that encounter's story) + answer fragments taken from the resource's values (a number, a display name,
  a date), which a chunk must contain to count.
- Fixed seed; at most a few questions per patient, category and kind, so no single patient dominates.
- Trend questions (category "trend", added later) come from a second generator with its own seed, appended after
  the others, so the earlier 926 questions stayed byte-for-byte the same: several results of one code in an
  18-month window (else 3 or 5 years when check-ups are yearly), gold = every result in the window, answer = each
  value, and `minAnswers` = more than half of them (a chunk listing most of the values with a citation counts).
Usage: scripts/retrieval-questions.py DUMP_DIR > demo/src/main/resources/retrieval/questions.json
"""
import base64
import decimal
import collections
import datetime
import json
import random
import re
import sys

# Clinician names for record displays (keys are matched case-insensitively as substrings of the display).
CLINICIAN = [
    ("hemoglobin a1c", ["A1c", "HbA1c"]),
    ("body mass index", ["BMI"]),
    ("body weight", ["wt", "weight"]),
    ("body height", ["ht", "height"]),
    ("blood pressure", ["BP"]),
    ("hemoglobin [mass/volume]", ["Hgb", "hb"]),
    ("hematocrit", ["Hct"]),
    ("platelets [#/volume]", ["plt", "platelet count"]),
    ("leukocytes [#/volume]", ["WBC", "white count"]),
    ("erythrocytes [#/volume]", ["RBC count"]),
    ("platelet mean volume", ["MPV"]),
    ("erythrocyte distribution width", ["RDW"]),
    ("platelet distribution width", ["PDW"]),
    ("mchc", ["MCHC"]),
    ("mch [", ["MCH"]),
    ("mcv", ["MCV"]),
    ("glomerular filtration", ["eGFR", "GFR"]),
    ("low density lipoprotein", ["LDL", "bad cholesterol"]),
    ("high density lipoprotein", ["HDL"]),
    ("total cholesterol", ["total chol", "cholesterol"]),
    ("triglycerides", ["TGs", "trigs"]),
    ("oral temperature", ["temp", "Tmax"]),
    ("temperature", ["temp"]),
    ("pain severity", ["pain score", "pain level"]),
    ("creatinine", ["Cr", "creat"]),
    ("urea nitrogen", ["BUN"]),
    ("potassium", ["K", "K+"]),
    ("sodium", ["Na"]),
    ("glucose", ["BG", "sugar"]),
    ("carbon dioxide", ["CO2", "bicarb"]),
    ("chloride", ["Cl"]),
    ("calcium", ["Ca"]),
    ("oxygen saturation", ["SpO2", "O2 sat", "sats"]),
    ("pulse", ["HR", "heart rate"]),
    ("heart rate", ["HR", "pulse"]),
    ("heartrate", ["HR", "pulse"]),
    ("hiv viral load", ["VL", "HIV VL"]),
    ("lead level", ["Pb level", "blood lead"]),
    ("tobacco smoking status", ["smoker", "smoking status"]),
    # immunizations
    ("influenza", ["flu shot", "flu vaccine"]),
    ("td (adult)", ["tetanus booster", "Td"]),
    ("tdap", ["Tdap", "whooping cough booster"]),
    ("tenivac", ["tetanus shot"]),
    ("meningococcal", ["meningitis vaccine", "MCV4"]),
    ("ipv", ["polio vaccine"]),
    ("dtap", ["DTaP"]),
    ("hep b", ["hep B vaccine", "HBV vaccine"]),
    ("hib", ["Hib vaccine"]),
    ("hep a", ["hep A shot"]),
    ("mmr", ["MMR"]),
    ("hpv", ["Gardasil", "HPV vaccine"]),
    ("varicella", ["chickenpox vaccine"]),
    ("pneumococcal", ["Prevnar", "pneumonia vaccine"]),
    ("rotavirus", ["rotavirus vaccine"]),
    # conditions
    ("essential hypertension", ["HTN"]),
    ("hypertension", ["HTN", "high blood pressure"]),
    ("prediabetes", ["pre-DM", "borderline diabetes"]),
    ("hyperlipidemia", ["HLD", "high cholesterol"]),
    ("anemia", ["anemic", "low blood count"]),
    ("acute viral pharyngitis", ["sore throat", "pharyngitis"]),
    ("viral sinusitis", ["sinus infection"]),
    ("chronic sinusitis", ["chronic sinus problems"]),
    ("acute bronchitis", ["bronchitis", "chest cold"]),
    ("obesity", ["obese", "obesity"]),
    ("escherichia coli urinary", ["E. coli UTI", "UTI"]),
    ("ischemic heart disease", ["CAD", "IHD"]),
    ("childhood asthma", ["asthma"]),
    ("seizure disorder", ["seizures", "sz disorder"]),
    ("epilepsy", ["epilepsy", "seizures"]),
    ("covid-19", ["covid", "COVID"]),
    ("streptococcal sore throat", ["strep throat", "strep"]),
    ("chronic low back pain", ["LBP", "back pain"]),
    ("chronic neck pain", ["neck pain"]),
    ("ischemic stroke", ["CVA", "stroke"]),
    ("miscarriage", ["SAB", "miscarriage"]),
    ("normal pregnancy", ["pregnant", "pregnancy"]),
    ("sprain of ankle", ["ankle sprain"]),
    ("fracture of ankle", ["broken ankle", "ankle fx"]),
    ("laceration", ["cut", "lac"]),
    ("stress (finding)", ["stressed", "stress"]),
    ("intimate partner abuse", ["IPV", "domestic violence"]),
    ("social isolation", ["socially isolated", "lonely"]),
    ("osteoporosis", ["osteoporosis", "brittle bones"]),
    ("sepsis", ["septic", "sepsis"]),
    ("atopic dermatitis", ["eczema"]),
    ("seasonal allergic rhinitis", ["hay fever", "seasonal allergies"]),
    ("otitis media", ["ear infection", "OM"]),
    ("diabetes", ["DM", "diabetic"]),
    ("palpitations", ["palps", "heart racing"]),
    ("fatigue", ["tired", "fatigue"]),
    ("alcohol", ["EtOH use", "drinking"]),
    ("opioid abuse", ["OUD", "opioid misuse"]),
    ("employment", ["job", "working"]),
    ("not in labor force", ["unemployed", "not working"]),
    # medications
    ("hydrochlorothiazide", ["HCTZ"]),
    ("acetaminophen", ["Tylenol", "APAP"]),
    ("ibuprofen", ["Motrin", "Advil"]),
    ("amoxicillin", ["Augmentin", "amox-clav"]),
    ("naproxen", ["Aleve", "naproxen"]),
    ("epinephrine", ["EpiPen", "epi pen"]),
    ("fexofenadine", ["Allegra"]),
    ("clonazepam", ["Klonopin"]),
    ("carbamazepine", ["Tegretol"]),
    ("nicardipine", ["nicardipine drip", "Cardene"]),
    ("ampicillin", ["amp"]),
    ("simvastatin", ["Zocor", "statin"]),
    ("alendron", ["Fosamax"]),
    ("lisinopril", ["ACE inhibitor", "Zestril"]),
    ("metformin", ["Glucophage"]),
    # allergies / procedures
    ("penicillin", ["PCN", "penicillin"]),
    ("latex", ["latex"]),
    ("peanut", ["peanuts", "nuts"]),
    ("sea food", ["shellfish", "seafood"]),
    ("venom of bees", ["bee stings", "bees"]),
    ("documentation of current medications", ["med rec", "medication reconciliation"]),
    ("biopsy of colon", ["colon bx", "colon biopsy"]),
    ("suture open wound", ["stitches", "lac repair"]),
    ("throat culture", ["strep culture", "throat swab"]),
    ("depression screening", ["PHQ", "depression screen"]),
    ("colonoscopy", ["scope", "colonoscopy"]),
]

NAMED = {
    "value": ["What was the patient's {d} on {date}?", "What was the {d} result on {date}?",
              "Give me the {d} measured on {date}."],
    "value_recent": ["What is the most recent {d}?", "What was the last {d} recorded?"],
    "value_year": ["What was the {d} in {year}?"],
    "value_first": ["What was the first {d} on record?"],
    "immunization": ["Was the patient vaccinated with {d}?", "When did the patient receive the {d} vaccine?"],
    "immunization_date": ["Which vaccine was given on {date}?"],
    "medication": ["Was the patient prescribed {d}?", "What is the patient's {d} prescription?"],
    "condition": ["Does the patient have {d}?", "Has the patient been diagnosed with {d}?"],
    "condition_year": ["What was diagnosed in {year}?"],
    "allergy": ["Is the patient allergic to {d}?", "What allergies does the patient have?"],
    "procedure": ["Did the patient have a {d} procedure?", "When was the {d} performed?"],
    "encounter": ["What kind of visit did the patient have on {date}?", "Why was the patient seen on {date}?"],
    "note_presenting": ["What was the patient presenting with at the visit on {date}?"],
    "note_prescribed": ["Which medications were prescribed at the visit on {date}?"],
    "note_procedures": ["Which procedures were done at the visit on {date}?"],
    "note_meds_list": ["Which medications were listed in the history and physical of {date}?"],
    "note_social": ["What is the patient's smoking history?"],
    "note_generic": ["What does the {t} note of {date} say?"],
}
CLINICAL = {
    "value": ["{c} on {date}?", "{c} {date}", "what was pt's {c} {date}"],
    "value_recent": ["latest {c}?", "last {c}", "most recent {c}"],
    "value_year": ["{c} in {year}?", "{year} {c}"],
    "value_first": ["first {c}?", "baseline {c}"],
    "immunization": ["did pt get {c}?", "{c} given?", "is pt up to date on {c}"],
    "medication": ["pt on {c}?", "{c} dose?", "is pt taking {c}"],
    "condition": ["hx of {c}?", "any {c}?", "{c} on problem list?"],
    "allergy": ["{c} allergy?", "allergic to {c}?"],
    "procedure": ["{c} done?", "when was the {c}"],
    "note_prescribed": ["meds started {date}?", "new rx {date}"],
    "note_procedures": ["what was done {date}?", "procedures {date}"],
    "note_presenting": ["reason for visit {date}?", "CC/A&P {date}"],
    "note_social": ["smoking hx?", "tobacco use?"],
}


def disp(cc):
    if not cc:
        return None
    if cc.get("text"):
        return cc["text"]
    for c in cc.get("coding") or []:
        if c.get("display"):
            return c["display"]
    return None


def clean(d):
    """The display as a person would say it: no '(disorder)', no trailing code-system qualifiers."""
    d = re.sub(r"\s*\((finding|disorder|procedure|situation|regime/therapy)\)\s*$", "", d)
    return d.strip()


def clinician_names(d):
    low = d.lower()
    for key, names in CLINICIAN:
        if key in low:
            return names
    return None


def num(v):
    """A value as a clinician reads it: integers plain; device noise (more than two decimals) at four significant
    digits (83.14531191 -> 83.15). Raw JSON contains the rounded prefix only when rounding went down, which is why
    the relevance test for a value is on this form."""
    if isinstance(v, (int, float)):
        if float(v).is_integer():
            return str(int(v))
        d = decimal.Decimal(repr(v))
        if -d.as_tuple().exponent > 2:
            d = decimal.Context(prec=4, rounding=decimal.ROUND_HALF_UP).plus(d)
            return format(d, "f").rstrip("0").rstrip(".") if "." in format(d, "f") else format(d, "f")
        return format(d, "f")
    return str(v)


def day(s):
    return s[:10] if s else None


def ref(r):
    return (r or {}).get("reference")


def note_text(j):
    for c in j.get("content") or []:
        a = c.get("attachment") or {}
        if a.get("data") and (a.get("contentType") or "text/plain").startswith("text/plain"):
            try:
                return base64.b64decode(a["data"]).decode("utf-8", "replace")
            except Exception:
                return None
    for a in j.get("presentedForm") or []:
        if a.get("data"):
            try:
                return base64.b64decode(a["data"]).decode("utf-8", "replace")
            except Exception:
                return None
    return None


class Builder:
    def __init__(self, seed):
        self.rnd = random.Random(seed)
        self.out = []
        self.quota = collections.Counter()

    def add(self, pk, category, style, kind, text, gold, context, answer, cap):
        key = (pk, category, style, kind)
        if self.quota[key] >= cap:
            return
        if any(not a or len(a) < 1 for a in answer):
            return
        self.quota[key] += 1
        self.out.append({"patient": pk, "category": category, "style": style, "question": text,
                         "gold": sorted(set(gold)), "context": sorted(set(c for c in context if c)),
                         "answer": answer})

    def add_trend(self, pk, style, text, gold, context, values, min_answers):
        key = (pk, "trend", style)
        if self.quota[key] >= 3:
            return
        self.quota[key] += 1
        self.out.append({"patient": pk, "category": "trend", "style": style, "question": text, "gold": sorted(set(gold)),
                         "context": sorted(set(c for c in context if c)), "answer": values,
                         "minAnswers": min_answers})

    def pick(self, templates):
        return self.rnd.choice(templates)


def main():
    dump = sys.argv[1]
    by_patient = collections.defaultdict(list)
    for line in open(dump + "/records.jsonl"):
        r = json.loads(line)
        by_patient[r["patient_key"]].append((r["resource_ref"], json.loads(r["json"])))
    b = Builder(15)
    for pk in sorted(by_patient):
        recs = by_patient[pk]
        rnd_recs = list(recs)
        b.rnd.shuffle(rnd_recs)
        observations(b, pk, rnd_recs)
        simple(b, pk, rnd_recs)
        notes(b, pk, rnd_recs)
    # Trend questions come from a second generator with its own seed, appended after the others, so adding them
    # left every earlier question (text, gold, id) exactly as it was.
    t = Builder(1515)
    for pk in sorted(by_patient):
        trends(t, pk, by_patient[pk])
    qs = b.out + t.out
    for i, q in enumerate(qs):
        q["id"] = "q%04d" % (i + 1)
    keys = ["id", "patient", "category", "style", "question", "gold", "context", "answer", "minAnswers"]
    json.dump({"about": "issue 15 retrieval benchmark; written by scripts/retrieval-questions.py (see its docstring)",
               "questions": [{k: q[k] for k in keys if k in q} for q in qs]}, sys.stdout, indent=1)


def observations(b, pk, recs):
    series = collections.defaultdict(list)
    for ref_, j in recs:
        if j.get("resourceType") != "Observation" or j.get("status") in ("entered-in-error", "cancelled"):
            continue
        d = disp(j.get("code"))
        when = j.get("effectiveDateTime") or (j.get("effectivePeriod") or {}).get("start") or j.get("issued")
        if not d or not when:
            continue
        vals = []
        if "valueQuantity" in j and j["valueQuantity"].get("value") is not None:
            vals = [num(j["valueQuantity"]["value"])]
        elif "component" in j:
            vals = [num(c["valueQuantity"]["value"]) for c in j["component"]
                    if (c.get("valueQuantity") or {}).get("value") is not None]
        elif "valueCodeableConcept" in j and disp(j["valueCodeableConcept"]):
            vals = [disp(j["valueCodeableConcept"])]
        elif isinstance(j.get("valueString"), str) and 0 < len(j["valueString"]) < 40:
            vals = [j["valueString"]]
        if not vals or d.lower() in ("loinc code", "unspecified", "tests ordered"):
            continue
        cat = "vital" if any(c.get("code") == "vital-signs" for cc in j.get("category") or []
                             for c in cc.get("coding") or []) else "lab"
        series[d].append((when, ref_, ref(j.get("encounter")), vals))
    for d, pts in series.items():
        pts.sort()
        dd = clean(d)
        names = clinician_names(d)
        cap = 1
        # A value on a date (unique date only: two results of one code on one day is ambiguous).
        dates = collections.Counter(day(w) for w, *_ in pts)
        w, r, enc, vals = b.rnd.choice(pts)
        if dates[day(w)] == 1:
            b.add(pk, cat, "named", "value", b.pick(NAMED["value"]).format(d=dd, date=day(w)), [r], [enc], vals, 2)
            if names:
                b.add(pk, cat, "clinician", "value",
                      b.pick(CLINICAL["value"]).format(c=b.rnd.choice(names), date=day(w)), [r], [enc], vals, 2)
        if len(pts) >= 2:
            w, r, enc, vals = pts[-1]
            if day(w) != day(pts[-2][0]):
                b.add(pk, "time", "named", "recent", b.pick(NAMED["value_recent"]).format(d=dd), [r], [enc], vals, 2)
                if names:
                    b.add(pk, "time", "clinician", "recent",
                          b.pick(CLINICAL["value_recent"]).format(c=b.rnd.choice(names)), [r], [enc], vals, 2)
            w, r, enc, vals = pts[0]
            if day(w) != day(pts[1][0]):
                b.add(pk, "time", "named", "first", b.pick(NAMED["value_first"]).format(d=dd), [r], [enc], vals, 1)
            years = collections.Counter(w[:4] for w, *_ in pts)
            once = [p for p in pts if years[p[0][:4]] == 1]
            if once and len(years) > 1:
                w, r, enc, vals = b.rnd.choice(once)
                b.add(pk, "time", "named", "year", b.pick(NAMED["value_year"]).format(d=dd, year=w[:4]), [r], [enc],
                      vals, 1)
                if names:
                    b.add(pk, "time", "clinician", "year",
                          b.pick(CLINICAL["value_year"]).format(c=b.rnd.choice(names), year=w[:4]), [r], [enc], vals, 1)


TREND_NAMED = ["How did the {d} change from {start} to {end}?", "What was the trend of {d} between {start} and {end}?",
               "Show the {d} results over the {span} up to {end}."]
TREND_CLINICAL = ["{c} trend {start} to {end}?", "{c} over {span} to {end}", "how has the {c} been since {start}?"]
# Windows tried in turn: 18 months, else 3 or 5 years (annual check-ups rarely give 3 results in 18 months).
WINDOWS = [(548, "18 months"), (1096, "3 years"), (1826, "5 years")]


def trends(b, pk, recs):
    """Trend questions: several results of one code inside an 18-month (else 3- or 5-year) window (3 to 8 of them,
    one per day, values all different so that each counts). Gold =
    every result in the window; answer = each result's value (the first component for a panel such as blood
    pressure); a hit counts when it cites one of them and states more than half of the values (minAnswers)."""
    series = collections.defaultdict(dict)
    for ref_, j in sorted(recs, key=lambda r: r[0]):
        if j.get("resourceType") != "Observation" or j.get("status") in ("entered-in-error", "cancelled"):
            continue
        d = disp(j.get("code"))
        when = j.get("effectiveDateTime") or (j.get("effectivePeriod") or {}).get("start") or j.get("issued")
        if not d or not when or d.lower() in ("loinc code", "unspecified", "tests ordered"):
            continue
        v = None
        if (j.get("valueQuantity") or {}).get("value") is not None:
            v = num(j["valueQuantity"]["value"])
        elif j.get("component") and (j["component"][0].get("valueQuantity") or {}).get("value") is not None:
            v = num(j["component"][0]["valueQuantity"]["value"])
        if v is None:
            continue
        # One result per day (a day with two results of one code is ambiguous for a trend): the first reference.
        series[d].setdefault(day(when), (when, ref_, ref(j.get("encounter")), v))
    codes = sorted(series)
    b.rnd.shuffle(codes)
    for d in codes:
        pts = sorted(series[d].values())
        if len(pts) < 3:
            continue
        for days, span in WINDOWS:
            ends = [i for i in range(2, len(pts)) if 3 <= len(window(pts, i, days)) <= 8
                    and len({p[3] for p in window(pts, i, days)}) == len(window(pts, i, days))]
            if ends:
                break
        if not ends:
            continue
        win = window(pts, b.rnd.choice(ends), days)
        start, end = day(win[0][0]), day(win[-1][0])
        gold = [p[1] for p in win]
        ctx = [p[2] for p in win]
        vals = [p[3] for p in win]
        most = len(vals) // 2 + 1
        dd = clean(d)
        b.add_trend(pk, "named", b.pick(TREND_NAMED).format(d=dd, start=start, end=end, span=span), gold, ctx, vals,
                    most)
        names = clinician_names(d)
        if names:
            b.add_trend(pk, "clinician", b.pick(TREND_CLINICAL).format(c=b.rnd.choice(names), start=start, end=end,
                                                                      span=span),
                        gold, ctx, vals, most)


def window(pts, i, days):
    """The results in the {days} days that end with result i."""
    end = datetime.date.fromisoformat(day(pts[i][0]))
    return [p for p in pts[:i + 1] if (end - datetime.date.fromisoformat(day(p[0]))).days <= days]


def simple(b, pk, recs):
    kinds = {"Immunization": ("immunization", "vaccineCode"), "MedicationRequest": ("medication",
             "medicationCodeableConcept"), "MedicationStatement": ("medication", "medicationCodeableConcept"),
             "Condition": ("condition", "code"), "AllergyIntolerance": ("allergy", "code"),
             "Procedure": ("procedure", "code")}
    groups = collections.defaultdict(list)
    for ref_, j in recs:
        t = j.get("resourceType")
        if j.get("status") in ("cancelled", "entered-in-error", "not-done"):
            continue   # retracted by the pipeline on purpose: nothing to find
        if t in kinds:
            d = disp(j.get(kinds[t][1]))
            if d:
                groups[(kinds[t][0], d)].append((ref_, j))
        elif t == "Encounter":
            d = disp((j.get("type") or [None])[0]) or disp(j.get("serviceType"))
            start = (j.get("period") or {}).get("start")
            if d and start:
                groups[("encounter", day(start))].append((ref_, j, d))
    for (kind, d), items in groups.items():
        if kind == "encounter":
            if len(items) == 1:
                ref_, j, ed = items[0]
                b.add(pk, "encounter", "named", "encounter", b.pick(NAMED["encounter"]).format(date=d), [ref_], [],
                      [clean(ed)], 2)
            continue
        refs = [r for r, _ in items]
        encs = [ref(j.get("encounter")) or ref(j.get("context")) for _, j in items]
        dd = clean(d)
        answer = [dd if kind != "allergy" else dd]
        b.add(pk, kind, "named", kind, b.pick(NAMED[kind]).format(d=dd.lower() if kind == "condition" else dd),
              refs, encs, answer, 3)
        names = clinician_names(d)
        if names:
            b.add(pk, kind, "clinician", kind, b.pick(CLINICAL[kind]).format(c=b.rnd.choice(names)), refs, encs,
                  answer, 3)
        if kind == "immunization":
            for r, j in items:
                when = day(j.get("occurrenceDateTime"))
                same_day = [x for x in groups if x[0] == "immunization" and any(
                    day(jj.get("occurrenceDateTime")) == when for _, jj in groups[x])]
                if when and len(same_day) == 1:
                    b.add(pk, "time", "named", "immunization_date",
                          NAMED["immunization_date"][0].format(date=when), [r], [ref(j.get("encounter"))], [dd], 1)
                    break


SECTION = re.compile(r"^#+\s*(.+?)\s*$", re.M)


def notes(b, pk, recs):
    # Twins: identical note text under several resources (DocumentReference + DiagnosticReport.presentedForm).
    by_text = collections.defaultdict(list)
    for ref_, j in recs:
        if j.get("resourceType") in ("DocumentReference", "DiagnosticReport"):
            t = note_text(j)
            if t and len(t) > 80:
                by_text[t.strip()].append((ref_, j))
    for t, items in by_text.items():
        refs = [r for r, _ in items]
        j = items[0][1]
        when = day(j.get("date") or j.get("effectiveDateTime") or (j.get("context") or {}).get("period", {}).get("start"))
        if not when:
            continue
        encs = [ref(((jj.get("context") or {}).get("encounter") or [{}])[0]) if jj.get("resourceType") ==
                "DocumentReference" else ref(jj.get("encounter")) for _, jj in items]
        m = re.search(r"presenting with ([^.\n]+?)\.", t)
        if m and "no complaints" not in m.group(1):
            a = [m.group(1).strip()[:60]]
            b.add(pk, "note", "named", "presenting", NAMED["note_presenting"][0].format(date=when), refs, encs, a, 3)
            b.add(pk, "note", "clinician", "presenting", b.pick(CLINICAL["note_presenting"]).format(date=when), refs,
                  encs, a, 2)
        m = re.search(r"prescribed the following medications:\s*\n- ([^\n]+)", t)
        if m:
            a = [m.group(1).strip()[:60]]
            b.add(pk, "note", "named", "prescribed", NAMED["note_prescribed"][0].format(date=when), refs, encs, a, 3)
            b.add(pk, "note", "clinician", "prescribed", b.pick(CLINICAL["note_prescribed"]).format(date=when), refs,
                  encs, a, 2)
        m = re.search(r"procedures were conducted:\s*\n- ([^\n]+)", t)
        if m:
            a = [m.group(1).strip()[:60]]
            b.add(pk, "note", "named", "procedures", NAMED["note_procedures"][0].format(date=when), refs, encs, a, 2)
            b.add(pk, "note", "clinician", "procedures", b.pick(CLINICAL["note_procedures"]).format(date=when), refs,
                  encs, a, 2)
        m = re.search(r"# Medications\s*\n([^\n#]+)", t)
        if m and "no active" not in m.group(1).lower():
            a = [m.group(1).split(";")[0].strip()[:60]]
            b.add(pk, "note", "named", "meds_list", NAMED["note_meds_list"][0].format(date=when), refs, encs, a, 2)
    # Smoking history: every note that states it is gold.
    smoking = collections.defaultdict(lambda: ([], []))
    for t, items in by_text.items():
        m = re.search(r"(quit smoking at age \d+|has never smoked|smokes [^.\n]+)", t, re.I)
        if m:
            refs, encs = smoking[m.group(1)]
            refs += [r for r, _ in items]
            encs += [ref(((jj.get("context") or {}).get("encounter") or [{}])[0]) for _, jj in items
                     if jj.get("resourceType") == "DocumentReference"]
    if len(smoking) == 1:
        (phrase, (refs, encs)), = smoking.items()
        b.add(pk, "note", "named", "social", NAMED["note_social"][0], refs, encs, [phrase], 1)
        b.add(pk, "note", "clinician", "social", b.pick(CLINICAL["note_social"]), refs, encs, [phrase], 1)


if __name__ == "__main__":
    main()
