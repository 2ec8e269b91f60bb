"""Reports a manager looks at: per rep and week, visits, touches, value, km and cost."""
