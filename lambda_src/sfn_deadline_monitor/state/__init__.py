"""The state table (one DynamoDB table, one package): claims on alerts, the records a
RECOVERED notice and the audit read, and the registry that names every resource."""
