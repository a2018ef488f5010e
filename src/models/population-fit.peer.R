# Peer of src/models/population-fit.ts: R nlme (Lindstrom-Bates, ML) on the same data and model.
# usage: Rscript population-fit.peer.R data.csv stein|gompertz
# data.csv: id,t,ly (ly = ln of the reading, floored as in the TypeScript fit). Prints one JSON object.
suppressMessages(library(nlme))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
d <- groupedData(ly ~ t | id, data = d)
ctl <- nlmeControl(maxIter = 200, msMaxIter = 200, pnlsMaxIter = 50, tolerance = 1e-6)
if (args[2] == "stein") {
  f <- function(a, b, c, t) a + log(exp(-exp(b) * t) + exp(exp(c) * t) - 1)
  st <- c(a = log(35), b = log(0.005), c = log(0.002))
} else {
  f <- function(a, b, c, t) b + (a - b) * exp(-exp(c) * t)
  st <- c(a = log(35), b = log(25), c = log(0.01))
}
m <- nlme(ly ~ f(a, b, c, t), fixed = a + b + c ~ 1, random = pdDiag(a + b + c ~ 1),
          data = d, start = st, control = ctl, method = "ML")
sds <- as.numeric(VarCorr(m)[1:3, "StdDev"])
cat(sprintf('{"mu":[%.10g,%.10g,%.10g],"sd":[%.10g,%.10g,%.10g],"sigma":%.10g,"m2ll":%.10g}\n',
            fixef(m)[1], fixef(m)[2], fixef(m)[3], sds[1], sds[2], sds[3], m$sigma, -2 * as.numeric(logLik(m))))
