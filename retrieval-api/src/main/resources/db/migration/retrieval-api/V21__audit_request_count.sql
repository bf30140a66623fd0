-- Requests refused before authentication (no or bad token) are audited one per address and window; the rest of
-- that window are counted into one record (request_count > 1), so a flood of anonymous requests cannot grow the
-- log without bound. Every other record stands for one request (the default). The chain covers the count when it
-- is not 1, so records written before this column verify unchanged.
ALTER TABLE ehrflow_audit.audit_record
    ADD COLUMN request_count integer NOT NULL DEFAULT 1 CHECK (request_count >= 1);
COMMENT ON COLUMN ehrflow_audit.audit_record.request_count IS
    'requests this record stands for: 1, or the unauthenticated refusals of one address in one window';
