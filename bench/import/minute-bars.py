"""A year of minute bars as people download them: date,open,high,low,close,adjclose,volume,
ISO timestamps, a seeded random walk of whole cents (the shape RegistryTests.Bars generates)."""
import datetime
import random

random.seed(7)
start = datetime.datetime(2024, 1, 2, 14, 30)
close = 100.0
print("date,open,high,low,close,adjclose,volume")
for i in range(100_000):
    open_ = close
    close = max(1, round(open_ * (1 + (random.random() - 0.5) * 0.02), 2))
    high = round(max(open_, close) * 1.003, 6)
    low = round(min(open_, close) * 0.997, 6)
    at = start + datetime.timedelta(minutes=i)
    print(f"{at:%Y-%m-%dT%H:%M:%SZ},{open_:.6f},{high:.6f},{low:.6f},{close:.6f},{close:.6f},{random.randint(1_000, 5_000_000)}")
