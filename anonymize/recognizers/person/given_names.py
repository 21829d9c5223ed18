"""Common US/UK given names, embedded (no data files, no import-time I/O).

Derived from the US Census Bureau 1990 given-name frequency lists (public domain; the same
lists the MIT-licensed ``names`` package ships): the ~700 most frequent female and ~550 most
frequent male names, minus names that are also everyday English words, months or titles
(May, Will, Grace, Bill, Major ...), which would flood the recognizer.
"""

from __future__ import annotations

_NAMES = """
Aaron Abby Abel Abigail Abraham Ada Adam Addie Adele Adeline Adrian Adriana Adrienne Agnes
Aida Aileen Aimee Al Alan Albert Alberta Alberto Alejandro Alex Alexander Alexandra Alexis
Alfonso Alfred Alfredo Alice Alicia Alisa Alisha Alison Allan Allen Allison Alma Alonzo Alta
Alton Alvin Alyssa Amanda Amelia Amos Amy Ana Andre Andrea Andres Andrew Andy Angela Angelia
Angelica Angelina Angeline Angelo Angie Anita Ann Anna Anne Annette Annie Anthony Antoine
Antoinette Antonia Antonio Archie Arlene Armando Arnold Arthur Arturo Ashley Aubrey Audrey
Aurora Austin Barbara Barry Beatrice Beatriz Becky Belinda Ben Benjamin Bennie Benny
Bernadette Bernard Bernice Bert Bertha Bessie Beth Bethany Betsy Bette Bettie Betty Beulah
Beverly Billie Billy Blake Blanca Bobbi Bobbie Bobby Bonita Bonnie Boyd Brad Bradford
Bradley Brandi Brandon Brandy Brenda Brendan Brent Bret Brett Brian Bridget Brittany
Brittney Brooke Bruce Bryan Bryant Bryce Byron Caitlin Caleb Callie Calvin Cameron Camille
Candace Candice Candy Cara Carl Carla Carlos Carlton Carmela Carmen Carole Carolina Caroline
Carolyn Carrie Carroll Cary Casey Cassandra Cassie Catherine Cathleen Cathy Cecelia Cecil
Cecile Cecilia Cedric Celeste Celia Cesar Chad Charlene Charles Charlie Charlotte Chelsea
Cheri Cherie Cheryl Chester Chris Christa Christi Christie Christina Christine Christopher
Christy Chuck Cindy Claire Clara Clarence Clarice Clark Claude Claudette Claudia Clay
Clayton Cleo Cleveland Clifford Clifton Clint Clinton Clyde Cody Colin Colleen Connie Conrad
Consuelo Cora Corey Corinne Cornelius Cory Courtney Craig Cristina Curtis Cynthia Dallas
Damian Damon Dan Dana Daniel Danielle Danny Daphne Darin Darla Darlene Darnell Darrel
Darrell Darren Darrin Darryl Daryl Dave David Deana Deanna Debbie Debora Deborah Debra Dee
Delbert Delia Della Delores Deloris Demetrius Dena Denise Dennis Derek Derrick Desiree Devin
Dewayne Dewey Dexter Diana Diane Dianna Dianne Dina Dixie Dolly Dolores Domingo Dominic
Dominick Dominique Donald Donna Donnie Dora Doreen Doris Dorothea Dorothy Dorthy Doug
Douglas Doyle Drew Duane Dustin Dwayne Dwight Dylan Earnest Ebony Ed Eddie Edgar Edith
Edmond Edmund Edna Eduardo Edward Edwin Effie Efrain Eileen Elaine Elbert Eldon Eleanor
Elena Eli Elias Elijah Elisa Elisabeth Elise Elizabeth Ella Ellen Ellis Elma Elmer Eloise
Elsa Elsie Elton Elva Elvira Emanuel Emil Emilio Emily Emma Emmanuel Emmett Enrique Eric
Erica Erick Erik Erika Erin Erma Ernest Ernestine Ernesto Ervin Esperanza Essie Estella
Estelle Ester Esther Ethan Ethel Etta Eugene Eugenia Eula Eunice Eva Evan Evelyn Everett
Fannie Fay Faye Felicia Felipe Felix Fern Fernando Flora Florence Floyd Forrest Frances
Francine Francis Francisca Francisco Frankie Franklin Fred Freda Freddie Freddy Frederick
Fredrick Frieda Gabriel Gabriela Gabrielle Gail Gale Garland Garrett Garry Gary Gayle Geneva
Genevieve Geoffrey George Georgia Gerald Geraldine Gerard Gerardo Gertrude Gilbert Gilberto
Gina Gladys Glenda Glenn Glenna Gloria Goldie Gordon Gracie Graciela Grady Grant Greg Gregg
Gregory Gretchen Grover Guadalupe Guillermo Gustavo Gwen Gwendolyn Hannah Harley Harold
Harriet Harvey Hattie Hazel Heath Heather Hector Heidi Helen Helena Helene Henrietta Henry
Herbert Herman Hilda Homer Horace Howard Hubert Hugh Hugo Humberto Ian Ida Ignacio Imogene
Ina Inez Ingrid Ira Irene Irma Irvin Irving Isaac Isabel Isabelle Ismael Israel Iva Ivan
Jackie Jaclyn Jacob Jacqueline Jacquelyn Jaime Jake James Jamie Jana Jane Janelle Janet
Janette Janice Janie Janine Janis Jared Jasmine Jason Javier Jay Jayne Jeanette Jeanine
Jeanne Jeannette Jeannie Jeannine Jeff Jeffery Jeffrey Jenifer Jenna Jennie Jennifer Jenny
Jerald Jeremiah Jeremy Jermaine Jerome Jerry Jess Jesse Jessica Jessie Jesus Jewell Jill
Jillian Jim Jimmie Jimmy Jo Joan Joann Joanna Joanne Jocelyn Jodi Jodie Jody Joe Joel Joey
Johanna John Johnathan Johnnie Johnny Jolene Jon Jonathan Jonathon Joni Jordan Jorge Jose
Josefina Joseph Josephine Josh Joshua Josie Joyce Juan Juana Juanita Judith Judy Julia
Julian Julie Julio Julius Junior Justin Justine Kara Karen Kari Karin Karl Karla Kate
Katharine Katherine Kathleen Kathryn Kathy Katie Katrina Kay Kayla Keisha Keith Kelley Kelli
Kellie Kelly Kelsey Kelvin Kendall Kendra Kenneth Kenny Kent Keri Kerri Kerry Kevin
Kimberley Kimberly Kirk Kirsten Krista Kristen Kristi Kristie Kristin Kristina Kristine
Kristopher Kristy Krystal Kurt Kyle Lacey Ladonna Lamar Lamont Lana Lance Lara Larry Latasha
Latonya Latoya Laura Laurel Lauren Laurence Laurie Laverne Lawrence Lea Leah Leanne Leigh
Lela Leland Lena Lenora Leo Leola Leon Leona Leonard Leroy Lesley Leslie Lester Leticia Levi
Lewis Lila Lillian Lillie Lily Linda Lindsay Lindsey Lionel Lisa Lizzie Lloyd Logan Lois
Lola Lonnie Lora Loren Lorena Lorene Lorenzo Loretta Lori Lorie Lorna Lorraine Lottie Louie
Louis Louise Lourdes Lowell Lucas Lucia Lucile Lucille Lucinda Lucy Luella Luis Luke Lula
Luther Luz Lydia Lyle Lynda Lynette Lynn Lynne Mabel Mable Mack Madeline Mae Maggie Malcolm
Mamie Mandy Manuel Manuela Marc Marcella Marcia Marco Marcos Marcus Marcy Margaret Margarita
Margie Margo Margret Marguerite Maria Marian Marianne Maribel Marie Marilyn Marina Mario
Marion Marisa Marisol Marissa Maritza Marjorie Marla Marlene Marlon Marsha Marshall Marta
Martha Martin Martina Marty Marvin Mary Maryann Mathew Matt Matthew Mattie Maude Maureen
Maurice Mavis Maxine Mayra Megan Meghan Melanie Melba Melinda Melissa Melody Melvin Mercedes
Meredith Merle Micah Michael Micheal Michele Michelle Mickey Miguel Mike Mildred Millie
Milton Mindy Minnie Miranda Miriam Mitchell Mollie Molly Mona Monica Monique Morgan Morris
Moses Muriel Myra Myrna Myron Myrtle Nadine Nancy Naomi Natalie Natasha Nathan Nathaniel
Neal Nell Nellie Nelson Nettie Nicholas Nichole Nick Nicolas Nicole Nikki Nina Noah Noel
Nora Norma Norman Ola Olga Oliver Olivia Ollie Omar Opal Ora Orlando Orville Oscar Otis Otto
Owen Pablo Paige Pam Pamela Patrica Patrice Patricia Patrick Patsy Patti Patty Paul Paula
Paulette Pauline Pedro Peggy Percy Perry Pete Peter Petra Phil Philip Phillip Phyllis Pierre
Polly Preston Priscilla Rachael Rachel Rachelle Rafael Ralph Ramiro Ramon Ramona Randal
Randall Randolph Randy Raquel Raul Raymond Reba Rebecca Rebekah Regina Reginald Rena Rene
Renee Reuben Rex Reynaldo Rhonda Ricardo Richard Rick Rickey Ricky Rita Robbie Robert
Roberta Roberto Robin Robyn Rochelle Roderick Rodger Rodney Rodolfo Rogelio Roger Roland
Rolando Roman Ron Ronald Ronda Ronnie Roosevelt Rosa Rosalie Rosalind Rosario Rosemarie
Rosemary Rosetta Rosie Ross Roxanne Roy Royce Ruben Rudolph Rudy Rufus Russell Ruth Ryan
Sabrina Sadie Sallie Sally Salvador Salvatore Sam Samantha Sammy Samuel Sandra Santiago
Santos Sara Sarah Saul Scott Sean Selma Sergio Seth Shana Shane Shanna Shannon Shari Sharon
Shaun Shauna Shawn Shawna Sheena Sheila Shelby Sheldon Shelia Shelley Shelly Sheri Sherman
Sherri Sherrie Sherry Sheryl Shirley Sidney Silvia Simon Socorro Sondra Sonia Sonja Sonya
Sophia Sophie Spencer Stacey Staci Stacie Stacy Stan Stanley Stefanie Stella Stephan
Stephanie Stephen Steve Steven Stewart Stuart Susan Susana Susanne Susie Suzanne Sybil
Sylvester Sylvia Tabitha Tamara Tami Tamika Tammie Tammy Tanya Tara Tasha Taylor Ted Teddy
Terence Teresa Teri Terrance Terrell Terrence Terri Terry Thelma Theodore Theresa Therese
Thomas Tiffany Tim Timmy Timothy Tina Toby Todd Tomas Tommie Tommy Toni Tonia Tony Tonya
Tracey Traci Tracie Tracy Travis Trent Trevor Tricia Trina Trisha Troy Trudy Tyler Tyrone
Ursula Valerie Vanessa Velma Vera Verna Vernon Veronica Vicente Vicki Vickie Vicky Victor
Victoria Vincent Viola Virgil Virginia Vivian Wallace Walter Wanda Warren Wayne Wendell
Wendy Wesley Whitney Wilbert Wilbur Wilfred Willa Willard William Willie Willis Wilma Wilson
Winifred Winnie Winston Wm Woodrow Yolanda Yvette Yvonne Zachary
"""

GIVEN_NAMES: frozenset[str] = frozenset(_NAMES.split())
