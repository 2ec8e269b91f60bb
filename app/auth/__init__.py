"""Who the caller is and what they may see: tokens, the principal, and the access scopes every query takes."""
