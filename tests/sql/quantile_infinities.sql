-- quantile over more values than it keeps exactly: equal infinities stay that infinity (an
-- interpolation between them, or a centroid mixing them, would be NaN).
SELECT quantiles(0.9, 0.1, 0.25, 0.5)(-inf), quantile(0.3)(inf), quantiles(0.2, 0.7)(if(number % 2 = 0, inf, 1)) FROM numbers(20000);
SELECT quantiles(0.9, 0.1, 0.25)(-inf), median(inf) FROM numbers(100);
