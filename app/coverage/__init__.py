"""The coverage model (issue 16): field, hybrid or remote per account, the what-if and its apply."""
