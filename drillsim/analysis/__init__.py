"""Analysis of replications: plain functions over event logs, summaries and the compiled graph."""
