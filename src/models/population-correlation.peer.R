# Peer of a population fit with residuals correlated within a patient (src/models/population-fit.ts with
# correlation "exp"): R nlme (Lindstrom-Bates, ML), Gompertz on ln y, random y0 and yinf, residual correlation
# corCAR1(form = ~ t | id): Corr = phi^|dt|, the same family as corExp without a nugget (T = -1 / ln phi;
# Pinheiro & Bates 2000, section 5.3.1). corExp itself aborted nlme 3.1 here ("free(): invalid next size", in
# nlme's C code, on the same data), hence corCAR1.
# usage: Rscript population-correlation.peer.R data.csv
# data.csv: id,t,ly (ly = ln of the reading). Prints one JSON object.
suppressMessages(library(nlme))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
d <- d[order(d$id, d$t), ]
d$id <- factor(d$id)
f <- function(a, b, c, t) b + (a - b) * exp(-exp(c) * t)
st <- c(a = log(40), b = log(25), c = log(0.01))
ctl <- nlmeControl(maxIter = 200, msMaxIter = 200, pnlsMaxIter = 50, tolerance = 1e-6)
m0 <- nlme(ly ~ f(a, b, c, t), fixed = a + b + c ~ 1, random = pdDiag(a + b ~ 1), groups = ~id,
           data = d, start = st, control = ctl, method = "ML")
m <- update(m0, correlation = corCAR1(0.99, form = ~ t | id))
sds <- as.numeric(VarCorr(m)[1:2, "StdDev"])
phi <- coef(m$modelStruct$corStruct, unconstrained = FALSE)[[1]]
cat(sprintf('{"mu":[%.10g,%.10g,%.10g],"sd":[%.10g,%.10g],"sigma":%.10g,"range":%.10g,"m2ll":%.10g,"m2llIndependent":%.10g}\n',
            fixef(m)[1], fixef(m)[2], fixef(m)[3], sds[1], sds[2], m$sigma, -1 / log(phi),
            -2 * as.numeric(logLik(m)), -2 * as.numeric(logLik(m0))))
