"""Reports for the studio: campaign reports, the branch report, the head office overview,
participant journeys and the marketing calendar. Everything here reads the rollup tables
(runtime.rollups) and small reference tables (campaigns, branches, prizes), never a scan of
the raw ledgers; a journey reads one participant's rows through their indexes."""
