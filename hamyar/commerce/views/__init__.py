"""Commerce pages: quotations (with the approval chain and comparison) and orders (deliveries, receipts)."""
