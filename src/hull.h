/*
 * hull.h - the convex hull of a cluster's positions as an RFC 7946
 * GeoJSON geometry (`geo -f geojson --hulls`, issue 14).
 *
 * The plane. RFC 7946 (section 3.1.1) reads a line between two positions
 * as a straight line in longitude and latitude, so the hull is taken in
 * the local tangent plane of the cluster's centroid that keeps that
 * reading: x = (lon - clon) cos(clat) east, y = lat - clat north, the
 * longitude difference taken in (-180, 180] so that a cluster across the
 * antimeridian is one piece there. That plane is an affine image of
 * (longitude, latitude) about the centre, so the polygon a GIS reader
 * draws holds every position of the cluster exactly; a gnomonic plane
 * (geodesic edges, geodesy.h's geo_hull) would leave positions up to
 * decimetres outside the straight edges a reader draws.
 *
 * The geometry:
 *   - one distinct position: a Point;
 *   - positions on one line (each within HULL_COLLINEAR_DEG of it): a
 *     LineString between the two end positions;
 *   - otherwise a Polygon: the hull's vertices (positions of the cluster,
 *     exact), exterior ring counterclockwise (positive signed area in
 *     (lon, lat)), closed (the first vertex repeated last), starting at
 *     the westmost vertex (then the southmost); a position within
 *     HULL_COLLINEAR_DEG of an edge is on it, not a vertex;
 *   - a hull that crosses the antimeridian is cut along it (RFC 7946
 *     section 3.1.9): a MultiPolygon (MultiLineString) of the part up to
 *     lon 180 and the part from lon -180, in that order, each part
 *     counterclockwise and closed, the cut points on the meridian
 *     interpolated linearly in (lon, lat). A hull that only touches the
 *     meridian is not cut.
 * Coordinates are written with the fewest digits (15 to 17) that read
 * back as the same double, so a vertex is the position itself.
 */
#ifndef CDRSIFT_HULL_H
#define CDRSIFT_HULL_H

#include <stddef.h>

#include "buf.h"
#include "geodesy.h"

/* positions within this many degrees (about 0.1 micrometre) of an edge
   are on it: far below any recorded precision, far above rounding */
#define HULL_COLLINEAR_DEG 1e-12

/*
 * Append to 'out' the GeoJSON geometry object of the convex hull of the
 * 'n' (>= 1) positions at 'p' (weights ignored; repeated positions
 * allowed), in the plane about the centre (clat, clon).
 */
void hull_geojson(const struct geo_wpoint *p, size_t n, double clat,
		  double clon, struct buf *out);

/* Append 'v' with the fewest digits that read back as 'v'. */
void hull_add_coord(struct buf *out, double v);

#endif
