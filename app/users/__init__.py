"""Users and their API tokens: who may see, create, change and delete whom."""
