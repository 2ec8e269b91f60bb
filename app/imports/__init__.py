"""CRM account imports: the upload endpoint, the job, and how rows become accounts; `parsing` is the pure half."""
