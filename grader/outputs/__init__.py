"""What people read: feedback pages, the formgrader's inert view of a submission, the class report, the CSVs
and the score table, and the pages of the on-submit service."""
