-- A patient key retired by a merge (HL7 A34/A40) and the key that survived it. A record of the retired patient
-- can reach the sink after its merge: the merge travels on the survivor's partitions, the retired patient's last
-- messages on theirs, and a stage that is down or behind lets the merge overtake them (found by the chaos trials,
-- RELIABILITY.md). The sink files such a late record under the survivor, so the final state does not depend on
-- timing. Written by the sink in the merge's transaction; chains are kept flat (a survivor merged later moves its
-- aliases along).
CREATE TABLE ehrflow.patient_merge (
    retired_key   text        PRIMARY KEY,
    surviving_key text        NOT NULL,
    merged_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX patient_merge_surviving ON ehrflow.patient_merge (surviving_key);
