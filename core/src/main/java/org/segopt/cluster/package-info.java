/** The seam between the single-machine dataset commands and their cluster jobs (segopt-spark). */
package org.segopt.cluster;
